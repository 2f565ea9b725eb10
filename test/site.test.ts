import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Story } from '../shared/model';
import { assetFileName, buildSite, type SiteAsset } from '../shared/site';
import { sampleStory } from './helpers/library';

const heroBytes = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', 'shared', 'sample', 'sample-hero.png')));

function story(id: string, fields: Partial<Story>): Story {
  return { ...sampleStory(), id, ...fields };
}

function assetsFor(stories: readonly Story[]): Map<string, SiteAsset> {
  const assets = new Map<string, SiteAsset>();
  for (const { hero } of stories) if (hero) assets.set(hero.asset.sha256, { asset: hero.asset, data: heroBytes });
  return assets;
}

describe('buildSite', () => {
  const stories = [
    story('a', { slug: 'talks', title: 'Talks open', feed: 'World', updatedAt: '2026-02-01T09:00:00.000Z' }),
    story('b', { slug: 'talks', title: 'Talks close', feed: 'World', updatedAt: '2026-02-03T09:00:00.000Z' }),
    story('c', { slug: 'budget', title: 'Budget <passed>', feed: 'Business', updatedAt: '2026-01-20T09:00:00.000Z' }),
    story('d', { slug: 'misc', title: 'No feed here', feed: '', updatedAt: '2026-01-21T09:00:00.000Z' }),
  ];
  const files = buildSite(stories, assetsFor(stories), { title: 'Desk <export>' });

  it('writes an index, one page per story and each image once', () => {
    const hero = sampleStory().hero!.asset;
    expect([...files.keys()].sort()).toEqual(
      ['index.html', `assets/${assetFileName(hero)}`, 'stories/budget.html', 'stories/misc.html', 'stories/talks-2.html', 'stories/talks.html'].sort(),
    );
    expect(files.get(`assets/${assetFileName(hero)}`)).toEqual(heroBytes);
  });

  it('lists the stories by feed, newest first, with escaped titles and links to the pages', () => {
    const index = String(files.get('index.html'));
    const order = ['Business', 'Budget &lt;passed&gt;', 'World', 'Talks close', 'Talks open', 'Other stories', 'No feed here'].map((text) => index.indexOf(text));
    expect(order.every((position) => position > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(index).toContain('<a href="stories/talks-2.html">Talks close</a>');
    expect(index).toContain('<title>Desk &lt;export&gt;</title>');
    expect(index).not.toMatch(/<script/i);
    expect(index).toContain("Content-Security-Policy");
  });

  it('points each page at the shared image and back at the index', () => {
    const page = String(files.get('stories/talks.html'));
    expect(page).toContain(`../assets/${assetFileName(sampleStory().hero!.asset)}`);
    expect(page).toContain('../index.html');
    expect(page).not.toContain('data:image/png;base64');
  });

  it('is the same for the same stories', () => {
    const again = buildSite(stories.map((entry) => structuredClone(entry)), assetsFor(stories), { title: 'Desk <export>' });
    expect([...again.entries()]).toEqual([...files.entries()]);
  });

  it('refuses to make a page whose image was not given', () => {
    expect(() => buildSite(stories, new Map())).toThrow(/the hero image [0-9a-f]{64} of story "a" was not given/);
  });
});
