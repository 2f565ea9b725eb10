// The exported page as Chromium sees it: hostile strings in every field of a story stay text
// (no script, no handler, no request, no link but http(s) and the page's own anchors), and the
// sample page reads like the seed, has its citations and sources, loads its hero under the CSP,
// and changes colour in the dark scheme with enough contrast in both.
//
// Pages are served from a made-up origin through Playwright's routing, so that a relative URL an
// injection might produce (`<img src=x>`) would become a request we can count. data: URLs (the
// inline hero) are decoded in the renderer and never reach the network, so they do not count
// (Playwright reports no request for them today; the filter says so should that change).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inline, Story } from '../shared/model';
import { renderStoryPage, type StoryPageOptions } from '../shared/page-html';
import { launchChromium } from './helpers/browser';
import { sampleStory } from './helpers/library';

const ORIGIN = 'http://storydesk.test';
const PAGE_URL = `${ORIGIN}/stories/page.html`;
const seed = readFileSync(join(import.meta.dirname, 'fixtures', 'seed-story.txt'), 'utf8');
const heroBytes = readFileSync(join(import.meta.dirname, '..', 'shared', 'sample', 'sample-hero.png'));
const dataHero: StoryPageOptions['hero'] = { kind: 'data', bytes: new Uint8Array(heroBytes) };

const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "' onfocus='alert(1)",
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '</style><script>alert(1)</script>',
  '<!--',
  ']]>',
  '&amp;&lt;',
  'right-to-left \u202e override',
  'zero\u200dwidth joiner',
  'x'.repeat(5000),
  "{{constructor.constructor('alert(1)')()}}",
];

/**
 * A story with `value` in every text field and every URL-ish field, built directly so that it
 * never meets the schema (which would refuse the URLs).
 */
function hostileStory(value: string): Story {
  const run = (marks?: Extract<Inline, { type: 'text' }>['marks']): Inline => ({ type: 'text', text: value, ...(marks ? { marks } : {}) });
  return {
    ...sampleStory(),
    title: value,
    feed: value,
    dek: value,
    hero: {
      asset: { sha256: 'a'.repeat(64), mediaType: 'image/png', width: 480, height: 270, byteLength: heroBytes.length },
      alt: value,
      caption: value,
      credit: value,
      usageTerms: value,
      sourceUrl: value,
      fullSizeUrl: value,
    },
    sections: [
      {
        id: 'section',
        heading: value,
        body: [
          {
            type: 'paragraph',
            content: [
              run(),
              { type: 'citation', sources: ['source'] },
              run([{ type: 'bold' }]),
              run([{ type: 'italic' }]),
              run([{ type: 'link', href: value }]),
              { type: 'citation', sources: ['source', value] },
            ],
          },
        ],
      },
    ],
    sources: [{ id: 'source', URL: value, title: value, 'container-title': value, author: [{ literal: value }, { family: value, given: value }], note: value, role: 'cited' }],
    timeline: [{ id: 'entry', date: { label: value, edtf: value }, body: [run(), { type: 'citation', sources: ['source'] }] }],
  } as Story;
}

/**
 * Where each hostile string must show as text: feed, title, dek, credit, usage terms, caption,
 * heading, four runs, source title twice (sources, related), outlet twice, three author names,
 * note, timeline label and body. URL fields show nowhere; the alt text is checked apart.
 */
const VISIBLE_COPIES = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 4 + 2 + 2 + 3 + 1 + 1 + 1;

/** The little of the DOM these checks read: test/ type-checks without the DOM library. */
interface PageElement {
  readonly innerText: string;
  /** Set on links only. */
  readonly href?: string;
  getAttribute(name: string): string | null;
  getAttributeNames(): string[];
}
interface PageImage extends PageElement {
  readonly alt: string;
  readonly complete: boolean;
  readonly naturalWidth: number;
}
interface PageGlobals {
  document: {
    readonly title: string;
    readonly body: PageElement;
    readonly documentElement: { readonly lang: string };
    readonly images: ArrayLike<PageImage>;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  getComputedStyle(element: PageElement, pseudo?: string): { color: string; backgroundColor: string; content: string; breakInside: string };
}

interface Observed {
  dialogs: string[];
  requests: string[];
  console: string[];
  errors: string[];
}

let browser: Browser;
let enforcing: BrowserContext;
let bypassing: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
  enforcing = await browser.newContext();
  // The hostile pages run with their CSP switched off: escaping alone must keep them inert.
  bypassing = await browser.newContext({ bypassCSP: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/**
 * A tab on the made-up origin: `show(html)` serves `html` at PAGE_URL and loads it; `assets`
 * answers other URLs of the origin, and every other request fails. `observed` collects what the
 * page did since the last `show`.
 */
async function openTab(context: BrowserContext, assets: ReadonlyMap<string, Buffer> = new Map()) {
  const page = await context.newPage();
  let observed: Observed = { dialogs: [], requests: [], console: [], errors: [] };
  let html = '';
  page.on('dialog', (dialog) => {
    observed.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (request.url() !== PAGE_URL && !request.url().startsWith('data:')) observed.requests.push(request.url());
  });
  page.on('console', (message) => observed.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => observed.errors.push(error.message));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === PAGE_URL) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    const asset = assets.get(url);
    return asset ? route.fulfill({ status: 200, contentType: 'image/png', body: asset }) : route.abort();
  });
  const show = async (content: string): Promise<Observed> => {
    html = content;
    observed = { dialogs: [], requests: [], console: [], errors: [] };
    await page.goto(PAGE_URL, { waitUntil: 'load' });
    return observed;
  };
  return { page, show };
}

const collapse = (value: string): string => value.replace(/[ \t\n]+/g, ' ').trim();

describe('the exported page in Chromium: hostile strings', () => {
  it('keeps every hostile string as text, with no script, handler, dialog, request or foreign link', async () => {
    const { page, show } = await openTab(bypassing);
    for (const value of HOSTILE_STRINGS) {
      const label = value.length > 60 ? `${value.slice(0, 20)}… (${value.length})` : value;
      const observed = await show(renderStoryPage(hostileStory(value), { hero: dataHero }));
      const seen = await page.evaluate(() => {
        const { document } = globalThis as unknown as PageGlobals;
        return {
          text: document.body.innerText,
          title: document.title,
          alt: Array.from(document.images, (image) => image.alt),
          hrefs: Array.from(document.querySelectorAll('[href]'), (element) => element.getAttribute('href') ?? ''),
          sources: Array.from(document.querySelectorAll('[src]'), (element) => element.getAttribute('src') ?? ''),
          dangerous: document.querySelectorAll('script, iframe, object, embed, svg, base, [onerror], [onload], [onclick], [onmouseover], [onfocus]').length,
          handlers: Array.from(document.querySelectorAll('*')).flatMap((element) => element.getAttributeNames().filter((name) => name.startsWith('on'))),
          elements: document.querySelectorAll('img').length + document.querySelectorAll('style').length,
        };
      });

      expect(observed, label).toEqual({ dialogs: [], requests: [], console: [], errors: [] });
      expect(seen.dangerous, label).toBe(0);
      expect(seen.handlers, label).toEqual([]);
      expect(seen.elements, label).toBe(2);
      expect(seen.text.split(value).length - 1, label).toBe(VISIBLE_COPIES);
      expect(seen.title, label).toBe(collapse(value));
      expect(seen.alt, label).toEqual([value]);
      for (const href of seen.hrefs) expect(href, label).toMatch(/^(?:https?:|#)/);
      expect(seen.hrefs, label).toEqual(['#source-1', '#source-1', '#source-1']);
      for (const src of seen.sources) expect(src, label).toMatch(/^data:image\/png;base64,/);
    }
    await page.close();
  });
});

describe('the exported page in Chromium: the sample story', () => {
  it('reads like the seed: sections, timeline lines and counts', async () => {
    const { page, show } = await openTab(enforcing);
    const observed = await show(renderStoryPage(sampleStory(), { hero: dataHero }));
    const seen = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const texts = (selector: string) => Array.from(document.querySelectorAll(selector), (element) => element.innerText);
      const image = document.images[0];
      return {
        lang: document.documentElement.lang,
        feed: texts('.feed'),
        title: texts('h1'),
        updated: texts('.updated'),
        sections: texts('section.story-section'),
        timeline: texts('.timeline li'),
        related: texts('#related-heading'),
        sourceItems: document.querySelectorAll('.sources ol > li').length,
        sectionCitationLinks: document.querySelectorAll('section.story-section sup.citation a[href^="#source-"]').length,
        timelineCitationLinks: document.querySelectorAll('.timeline sup.citation a[href^="#source-"]').length,
        firstCitationTarget: document.querySelector('sup.citation a')?.getAttribute('href'),
        heroLoaded: image !== undefined && image.complete && image.naturalWidth === 480,
      };
    });
    await page.close();

    const blocks = seed.split('\n\n');
    expect(observed).toEqual({ dialogs: [], requests: [], console: [], errors: [] });
    expect(seen.lang).toBe('en');
    expect(seen.feed).toEqual([blocks[0]]);
    expect(seen.title).toEqual([blocks[2]]);
    expect(seen.updated).toEqual(['Updated Feb 2, 2026 (6 articles)']);
    expect(seen.sections.map(collapse)).toEqual(blocks.slice(4, 9));
    expect(seen.timeline).toEqual(blocks.slice(blocks.indexOf('Timeline') + 1, -1));
    expect(seen.related).toEqual([blocks.at(-1)]);
    expect(seen.sourceItems).toBe(6);
    expect(seen.sectionCitationLinks).toBe(15);
    expect(seen.timelineCitationLinks).toBe(9);
    expect(seen.firstCitationTarget).toBe('#source-1');
    expect(seen.heroLoaded).toBe(true);
  });

  it('loads a relative-URL hero from its own origin under the CSP, and nothing else', async () => {
    const assetUrl = `${ORIGIN}/assets/hero.png`;
    const html = renderStoryPage(sampleStory(), { hero: { kind: 'url', url: '../assets/hero.png' }, indexHref: '../index.html' });
    const { page, show } = await openTab(enforcing, new Map([[assetUrl, heroBytes]]));
    const observed = await show(html);
    const seen = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      return { heroLoaded: document.images[0]?.naturalWidth === 480, index: document.querySelector('header nav a')?.href };
    });
    await page.close();
    expect(observed).toEqual({ dialogs: [], requests: [assetUrl], console: [], errors: [] });
    expect(seen).toEqual({ heroLoaded: true, index: `${ORIGIN}/index.html` });
  });

  it('has light and dark colours with enough contrast, and prints links in black with their URLs', async () => {
    const story = sampleStory();
    story.sources = story.sources.map((source, index) => ({ ...source, URL: `https://news.example/${source.id}`, title: `Article ${index + 1}` }));
    const { page, show } = await openTab(enforcing);
    await show(renderStoryPage(story, { hero: dataHero }));
    const colours = () =>
      page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
        const style = (selector: string, pseudo?: string) => {
          const element = document.querySelector(selector);
          if (!element) throw new Error(`no ${selector} on the page`);
          return getComputedStyle(element, pseudo);
        };
        return {
          background: style('body').backgroundColor,
          text: style('body').color,
          muted: style('.updated').color,
          link: style('.sources cite a').color,
          afterLink: style('.sources cite a', '::after').content,
          breakInFigure: style('figure').breakInside,
        };
      });
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const print = await colours();
    await page.close();

    expect(dark.background).not.toBe(light.background);
    expect(dark.text).not.toBe(light.text);
    for (const scheme of [light, dark]) {
      expect(contrast(scheme.text, scheme.background)).toBeGreaterThanOrEqual(7);
      expect(contrast(scheme.muted, scheme.background)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(scheme.link, scheme.background)).toBeGreaterThanOrEqual(4.5);
      expect(scheme.afterLink).toBe('none');
    }
    expect(print.link).toBe(print.text);
    expect(print.afterLink).toBe('" <https://news.example/src-2026-02-02>"');
    expect(print.breakInFigure).toBe('avoid');
  });
});

/** WCAG 2 contrast ratio of two computed `rgb(…)` colours. */
function contrast(foreground: string, background: string): number {
  const luminance = (colour: string) => {
    const [red = 0, green = 0, blue = 0] = (colour.match(/\d+(?:\.\d+)?/g) ?? []).map(Number).map((channel) => {
      const value = channel / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  };
  const [lighter, darker] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}
