/**
 * A static site of stories (DESIGN §5): an index page listing the stories by feed, newest first,
 * one finished page per story (the same renderer as the HTML export), and every image written
 * once under `assets/`, however many stories show it. Pure: it returns the files as a map from
 * relative path to content, and the caller writes them.
 */
import type { AssetRef, Story } from './model';
import { assetPath } from './bundle';
import { escapeHtml, renderStoryPage } from './page-html';

export interface SiteAsset {
  asset: AssetRef;
  data: Uint8Array;
}

/** The files of the site: relative path (always with `/`) → text or bytes. */
export type SiteFiles = Map<string, string | Uint8Array>;

/** An image's file name in the site: the same as in a bundle, `<sha256>.<ext>`. */
export function assetFileName(asset: Pick<AssetRef, 'sha256' | 'mediaType'>): string {
  return assetPath(asset).slice('assets/'.length);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Feb 2, 2026", from the timestamp's UTC date: the same on every machine. */
function dayOf(timestamp: string): string {
  const [year, month, day] = timestamp.slice(0, 10).split('-').map(Number);
  return `${MONTHS[(month ?? 1) - 1]} ${day}, ${year}`;
}

/** One file name per story: its slug, numbered when two stories share one. */
function pageNames(stories: readonly Story[]): Map<string, string> {
  const used = new Set<string>();
  const names = new Map<string, string>();
  for (const story of stories) {
    let name = story.slug;
    for (let counter = 2; used.has(name); counter++) name = `${story.slug}-${counter}`;
    used.add(name);
    names.set(story.id, `${name}.html`);
  }
  return names;
}

/** Feeds in alphabetical order (no feed last), each with its stories newest first. */
function storiesByFeed(stories: readonly Story[]): [string, Story[]][] {
  const feeds = new Map<string, Story[]>();
  for (const story of stories) {
    const feed = story.feed.trim();
    feeds.set(feed, [...(feeds.get(feed) ?? []), story]);
  }
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return [...feeds.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : collator.compare(a, b)))
    .map(([feed, list]) => [feed, [...list].sort((a, b) => (a.updatedAt === b.updatedAt ? collator.compare(a.title, b.title) : a.updatedAt < b.updatedAt ? 1 : -1))]);
}

const INDEX_STYLE = `
:root { color-scheme: light dark; --text: #1b1b1b; --muted: #5c5c5c; --page: #fdfdfc; --rule: #d9d9d6; --accent: #0b57a4; }
@media (prefers-color-scheme: dark) { :root { --text: #ececea; --muted: #a9a9a5; --page: #161616; --rule: #3a3a38; --accent: #8ab8f0; } }
body { margin: 0; background: var(--page); color: var(--text); font: 17px/1.55 Georgia, "Times New Roman", serif; }
main { max-width: 44rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 2rem; margin: 0 0 1.5rem; }
h2 { font: 600 0.8rem/1.4 system-ui, sans-serif; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); border-bottom: 1px solid var(--rule); padding-bottom: 0.3rem; margin: 2rem 0 0.75rem; }
ul { list-style: none; margin: 0; padding: 0; }
li { margin: 0 0 1rem; }
a { color: var(--accent); font-size: 1.15rem; }
a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.meta { display: block; font: 0.85rem/1.4 system-ui, sans-serif; color: var(--muted); }
@media print { a { color: inherit; text-decoration: none; } }
`;

function indexPage(stories: readonly Story[], names: ReadonlyMap<string, string>, title: string): string {
  const groups = storiesByFeed(stories).map(([feed, list]) => {
    const items = list.map((story) => {
      const count = story.sources.length;
      return (
        `<li><a href="stories/${escapeHtml(names.get(story.id) ?? '')}">${escapeHtml(story.title || 'Untitled story')}</a>` +
        `<span class="meta">Updated <time datetime="${escapeHtml(story.updatedAt)}">${dayOf(story.updatedAt)}</time> · ${count} ${count === 1 ? 'article' : 'articles'}</span></li>`
      );
    });
    return `<section aria-label="${escapeHtml(feed || 'Other stories')}"><h2>${escapeHtml(feed || 'Other stories')}</h2><ul>${items.join('')}</ul></section>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="generator" content="Storydesk">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${INDEX_STYLE}</style>`,
    '</head>',
    '<body>',
    `<main><h1>${escapeHtml(title)}</h1>${groups.join('')}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export interface SiteOptions {
  /** The index page's heading and title. */
  title?: string;
}

/**
 * The site for `stories`: `index.html`, `stories/<slug>.html` and `assets/<sha256>.<ext>`.
 * `assets` must hold every hero image the stories show; a missing one is an error, not a page
 * with a broken image.
 */
export function buildSite(stories: readonly Story[], assets: ReadonlyMap<string, SiteAsset>, options: SiteOptions = {}): SiteFiles {
  const files: SiteFiles = new Map();
  const names = pageNames(stories);
  files.set('index.html', indexPage(stories, names, options.title ?? 'Stories'));
  for (const story of stories) {
    let hero;
    if (story.hero) {
      const stored = assets.get(story.hero.asset.sha256);
      if (!stored) throw new Error(`the hero image ${story.hero.asset.sha256} of story "${story.id}" was not given`);
      const fileName = assetFileName(stored.asset);
      files.set(`assets/${fileName}`, stored.data);
      hero = { kind: 'url' as const, url: `../assets/${fileName}` };
    }
    files.set(`stories/${names.get(story.id) ?? `${story.id}.html`}`, renderStoryPage(story, { ...(hero ? { hero } : {}), indexHref: '../index.html' }));
  }
  return files;
}
