// The acceptance test of the story editor: an editor authors the seed story from an empty story,
// as a person would, in browser mode. They type the title and five sections, add the six sources,
// insert every citation through the `[` picker, enter the nine timeline entries in shuffled order
// and sort them by date, and attach the image with its caption. The exported HTML page must then
// read exactly as the sample story's page, the library must hold the same story (ids aside), and
// the coverage panel must show the sample's findings: 15/15 sentences, 18 blockers, 7 warnings,
// 1 note, each with its message.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { reviewCoverage } from '../shared/coverage';
import type { Inline, Story } from '../shared/model';
import { renderStoryPage } from '../shared/page-html';
import { SAMPLE_HERO_FILE } from '../electron/sample';
import { sampleStory } from './helpers/library';
import { CoveragePanelView } from './e2e/coverage';
import { SectionsEditor, SourcePicker } from './e2e/editor';
import { SourcesPanel } from './e2e/sources';
import { TimelinePanel } from './e2e/timeline';
import { workbenchSession } from './e2e/session';
import { PROJECT_ROOT } from './e2e/workbench';

const SAMPLE = sampleStory();
const HERO_FILE = path.join(PROJECT_ROOT, SAMPLE_HERO_FILE);
/** The order the editor types the timeline in: as notes come, not by date. */
const TYPING_ORDER = [4, 0, 7, 2, 8, 5, 1, 6, 3];

const session = workbenchSession();

/** The sample source a citation names, by its published date (the sample's sources have nothing else). */
function issuedOf(id: string): string {
  const issued = SAMPLE.sources.find((source) => source.id === id)?.issued;
  if (!issued) throw new Error(`the sample has no dated source ${id}`);
  return issued;
}

/**
 * Types inline content into the field that has the focus: text as typed (long runs arrive at once,
 * as from the keyboard's own buffer), each citation through the picker, found by the source's date.
 */
async function typeInlines(page: Page, inlines: readonly Inline[]): Promise<void> {
  const picker = new SourcePicker(page);
  for (const inline of inlines) {
    if (inline.type === 'text') {
      await page.keyboard.insertText(inline.text);
      continue;
    }
    for (const id of inline.sources) {
      // A space before the "[" as people type it; the page puts the space before a marker itself.
      await page.keyboard.type(' [');
      await picker.popup.waitFor();
      await page.keyboard.type(issuedOf(id));
      await expect.poll(() => picker.options().count()).toBe(1);
      await page.keyboard.press('Enter');
      await picker.popup.waitFor({ state: 'detached' });
    }
  }
}

/** The story's content with source ids replaced by the sources' dates, parts' ids dropped: what an editor wrote. */
function content(story: Story) {
  const byDate = (id: string) => story.sources.find((source) => source.id === id)?.issued ?? `missing ${id}`;
  const inlines = (list: readonly Inline[]) => list.map((inline) => (inline.type === 'citation' ? { type: 'citation', sources: inline.sources.map(byDate) } : inline));
  return {
    title: story.title,
    feed: story.feed,
    slug: story.slug,
    dek: story.dek,
    hero: story.hero,
    citationOrder: story.citationOrder,
    citationStyle: story.citationStyle,
    sections: story.sections.map((section) => ({ heading: section.heading, body: section.body.map((paragraph) => inlines(paragraph.content)) })),
    sources: story.sources.map(({ id: _id, ...source }) => source),
    timeline: story.timeline.map((entry) => ({ date: entry.date, body: inlines(entry.body) })),
  };
}

/** A page's text as a reader sees it, without the "updated" time (the sample's is another day). */
async function pageText(html: string): Promise<string> {
  const reader = await session.browser().newPage();
  try {
    await reader.setContent(html);
    return await reader.evaluate(() => {
      const { document } = globalThis as unknown as { document: { querySelectorAll(selector: string): { remove(): void }[]; body: { innerText: string } } };
      for (const time of document.querySelectorAll('time')) time.remove();
      return document.body.innerText;
    });
  } finally {
    await reader.close();
  }
}

/** Source ids in a finding's place ("Source [1] (src-2026-02-02)") read as the source's date. */
function placeByDate(place: string, story: Story): string {
  return place.replace(/\(([A-Za-z0-9_-]+)\)/g, (whole, id: string) => {
    const source = story.sources.find((candidate) => candidate.id === id);
    return source?.issued ? `(${source.issued})` : whole;
  });
}

describe('authoring the seed story by hand', () => {
  it('gives the sample story’s page, content and findings', { timeout: 600_000 }, async () => {
    const library = await session.library();
    // The library starts with the sample itself; it goes, so that nothing can be borrowed from it.
    await library.service.trashStory({ id: SAMPLE.id });
    await library.service.purgeStory({ id: SAMPLE.id });
    const tab = await session.open();
    const { page } = tab;

    // A new, empty story with the headline and feed.
    await tab.library.createStory(SAMPLE.title, SAMPLE.feed);
    await tab.story.heading().filter({ hasText: SAMPLE.title }).waitFor();
    const storyId = (await library.service.listStories({})).find((summary) => summary.title === SAMPLE.title)?.id;
    if (!storyId) throw new Error('the new story is not in the library');

    // The six sources, in the sample's list order, each with its published date.
    const sources = new SourcesPanel(page);
    for (const [index, source] of SAMPLE.sources.entries()) {
      await sources.add();
      const row = sources.rowAt(index);
      await row.open();
      await row.field('Published').fill(source.issued ?? '');
      await row.field('Note').fill(source.note ?? '');
    }
    await expect.poll(() => sources.rows().count()).toBe(6);

    // The five sections: heading, then text with every citation through the picker.
    const sections = new SectionsEditor(page);
    for (const [index, section] of SAMPLE.sections.entries()) {
      await sections.button('Add section').click();
      await expect.poll(() => sections.items().count()).toBe(index + 1);
      await page.keyboard.insertText(section.heading);
      await page.keyboard.press('Enter');
      for (const [number, paragraph] of section.body.entries()) {
        if (number > 0) await page.keyboard.press('Enter');
        await typeInlines(page, paragraph.content);
      }
    }

    // The nine timeline entries, in the order the notes came; then sorted by date.
    const timeline = new TimelinePanel(page);
    for (const sampleIndex of TYPING_ORDER) {
      const entry = SAMPLE.timeline[sampleIndex];
      if (!entry) throw new Error(`the sample has no timeline entry ${sampleIndex}`);
      const row = await timeline.addEntry(entry.date.label);
      await expect.poll(() => row.reading().textContent()).toContain(entry.date.edtf ?? '');
      await row.textField().click();
      await typeInlines(page, entry.body);
    }
    expect(await timeline.summary().textContent()).toMatch(/out of date order/);
    await timeline.sortButton().click();
    await expect.poll(() => timeline.labels()).toEqual(SAMPLE.timeline.map((entry) => entry.date.label));

    // The image, its text and its caption.
    await tab.story.chooseHeroFile(HERO_FILE);
    await tab.story.heroImage().waitFor();
    const hero = SAMPLE.hero;
    if (!hero) throw new Error('the sample has a hero image');
    await tab.story.setField('Alt text', hero.alt);
    await tab.story.setField('Caption', hero.caption);
    await tab.story.setField('Credit', hero.credit);
    await tab.story.setField('Usage terms', hero.usageTerms);
    await tab.story.waitUntilSaved();

    // The library holds the sample's story, ids aside.
    const authored = await library.service.getStory({ id: storyId });
    expect(content(authored)).toEqual(content(SAMPLE));

    // The exported page reads exactly as the sample's.
    const exportDialog = await tab.openExportDialog();
    await exportDialog.choose(/^Web page/);
    const { bytes } = await exportDialog.export();
    const heroBytes = fs.readFileSync(HERO_FILE);
    const samplePage = renderStoryPage(SAMPLE, { hero: { kind: 'data', bytes: heroBytes } });
    expect(await pageText(bytes.toString('utf8'))).toBe(await pageText(samplePage));
    await page.keyboard.press('Escape');
    await tab.dialog('Export').waitFor({ state: 'detached' });

    // The coverage panel shows the sample's findings.
    const coverage = new CoveragePanelView(page);
    expect(await coverage.figure('Sentences cited').textContent()).toBe('15/15');
    expect(await coverage.figure('Timeline entries cited').textContent()).toBe('9/9');
    expect(await coverage.figure('Sources cited').textContent()).toBe('6/6');
    expect(await coverage.region.locator('.counts').textContent()).toContain('18 blockers');
    expect(await coverage.region.locator('.counts').textContent()).toContain('7 warnings');
    expect(await coverage.region.locator('.counts').textContent()).toContain('1 note');
    const sampleReview = reviewCoverage(SAMPLE);
    const expected = sampleReview.findings;
    const shown: string[] = [];
    for (const [heading, severity] of [
      ['Blockers', 'blocker'],
      ['Warnings', 'warning'],
      ['Notes', 'info'],
    ] as const) {
      await coverage.openGroup(heading);
      // A group draws its findings once it is open.
      await expect.poll(() => coverage.findings(heading).count()).toBe(sampleReview.counts[severity]);
      for (const finding of await coverage.findings(heading).all()) {
        shown.push(`${await finding.locator('.place').textContent()}: ${await finding.locator('.message').textContent()}`);
      }
    }
    expect(shown.map((line) => placeByDate(line, authored))).toEqual(expected.map((finding) => placeByDate(`${finding.place}: ${finding.message}`, SAMPLE)));
  });
});
