// The sources panel as an editor uses it, in browser mode over a fresh library per test: adding
// sources (a pasted address becomes its canonical form), editing their fields until the library
// holds them, moving them by keyboard so that the numbers follow in the panel and on the page,
// switching the numbering, jumping to where a source is cited, merging duplicates, deleting a
// cited source only after the dialog, undo, a story in the trash, and an axe-core scan.
import { describe, expect, it } from 'vitest';
import { placesCiting } from '../shared/citation-edits';
import { citationNumbers } from '../shared/citations';
import type { Story } from '../shared/model';
import { sampleStory } from './helpers/library';
import { CoveragePanelView } from './e2e/coverage';
import { focusedPlace, pasteText, SourcesPanel } from './e2e/sources';
import { workbenchSession } from './e2e/session';
import type { WorkbenchPage } from './e2e/workbench';

const SAMPLE = sampleStory();

/** The sample's sources by the start of their notes, which the rows show while a source has no title or address. */
const WARSAW = { id: 'src-2026-02-02', name: 'Reports the launch of the South Korea-Poland' };
const BRUSSELS = { id: 'src-2026-01-22', name: 'Reports the second Korea-EU strategic dialogue' };
const CYBER = { id: 'src-2026-01-15', name: 'Reports the South Korea-NATO cyber policy' };
const NETHERLANDS = { id: 'src-2026-01-13', name: 'Reports South Korea-Netherlands defence talks' };

const session = workbenchSession();

/** A fresh library, a tab on it, and the story with this title open in it. */
async function openStory(title: string): Promise<{ tab: WorkbenchPage; sources: SourcesPanel }> {
  const tab = await session.open();
  await tab.library.open(title);
  return { tab, sources: new SourcesPanel(tab.page) };
}

async function savedStory(title: string): Promise<Story> {
  const { service } = await session.library();
  const [summary] = (await service.listStories({})).filter((story) => story.title === title);
  if (!summary) throw new Error(`no story titled ${title}`);
  return service.getStory({ id: summary.id });
}

// Browser tests wait on a busy 2-core machine; each gets a minute, though each takes seconds.
describe('the sources panel', { timeout: 60_000 }, () => {
  it('adds a source from a pasted address in its canonical form and one typed in, and the library holds the fields typed', async () => {
    await (await session.library()).service.createStory({ title: 'Port talks', feed: 'World' });
    const tab = await session.open();
    await tab.library.open('Port talks');
    const sources = new SourcesPanel(tab.page);

    await pasteText(sources.addBox(), ' HTTPS://www.Example.com/news/talks?id=7&utm_source=newsletter&fbclid=abc#top ');
    expect(await sources.addBox().inputValue()).toBe('https://www.example.com/news/talks?id=7');
    expect(await sources.panel.locator('.add-source .url-note').textContent()).toContain('Canonical: https://www.example.com/news/talks?id=7');
    await sources.add();
    const first = sources.rowAt(0);
    // The new source opens with the title to type next.
    expect(await focusedPlace(tab.page)).toMatchObject({ field: 'title' });
    await tab.page.keyboard.type('Port talks resume');
    await first.field('Outlet').fill('Harbour Gazette');
    await first.field('Authors').fill('Kim, Ji-won; Harbour desk');
    await first.field('Published').fill('2 Feb');
    await expect.poll(() => first.problemOf('Published').textContent()).toBe('must be a date such as 2026, 2026-02 or 2026-02-02');
    expect(await first.field('Published').inputValue()).toBe('2 Feb');
    await first.field('Published').fill('2026-02');
    await expect.poll(() => first.problemOf('Published').count()).toBe(0);
    await first.field('Role').selectOption({ label: 'Related: listed, need not be cited' });
    expect(await first.cited().textContent()).toBe('Related, not cited');

    // An empty box adds an empty source, opened on its address.
    await sources.add();
    const second = sources.rowAt(1);
    expect(await focusedPlace(tab.page)).toMatchObject({ field: 'URL' });
    await tab.page.keyboard.type('https://example.org/analysis?utm_medium=email');
    expect(await second.urlNotes().first().textContent()).toContain('Canonical: https://example.org/analysis.');
    await second.button('Use canonical form').click();
    expect(await second.field('Address (URL)').inputValue()).toBe('https://example.org/analysis');
    // Pasted over the whole address, an address is stored canonical, and can be kept as pasted.
    await second.field('Address (URL)').selectText();
    await pasteText(second.field('Address (URL)'), 'https://example.org/analysis/?gclid=1');
    expect(await second.field('Address (URL)').inputValue()).toBe('https://example.org/analysis/');
    expect(await second.urlNotes().first().textContent()).toContain('stored instead of the pasted https://example.org/analysis/?gclid=1');
    await second.field('Article title').fill('What the port deal means');
    await second.field('Outlet').fill('Draft outlet');
    await second.field('Outlet').fill('');
    expect(await sources.names()).toEqual(['Port talks resume', 'What the port deal means']);
    expect(await sources.numbers()).toEqual(['[1]', '[2]']);

    await tab.story.waitUntilSaved();
    const saved = await savedStory('Port talks');
    expect(saved.sources.map(({ id: _id, ...fields }) => fields)).toEqual([
      {
        URL: 'https://www.example.com/news/talks?id=7',
        title: 'Port talks resume',
        'container-title': 'Harbour Gazette',
        author: [{ family: 'Kim', given: 'Ji-won' }, { literal: 'Harbour desk' }],
        issued: '2026-02',
        role: 'related',
      },
      { URL: 'https://example.org/analysis/', title: 'What the port deal means', role: 'cited' },
    ]);
  });

  it('moves a source by keyboard under the manual numbering: the numbers follow in the panel and on the page', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    expect(await sources.numbers()).toEqual(['[1]', '[2]', '[3]', '[4]', '[5]', '[6]']);
    const preview = tab.story.preview();
    await expect.poll(() => preview.locator('a[aria-label="Source 1"]').count(), { timeout: 10_000 }).toBe(16);

    await sources.chooseNumbering('Manual: the order of this list');
    expect(await sources.numberingExplanation().textContent()).toContain('The numbers follow the order of this list');
    const warsaw = sources.row(WARSAW.name);
    await warsaw.moveByKeyboard('down');
    await warsaw.moveByKeyboard('down');
    // The focus stays on the source that moved, two places down, and its number follows.
    expect(await focusedPlace(tab.page)).toMatchObject({ sourceId: WARSAW.id, className: 'source-handle' });
    expect((await sources.names())[2]).toContain(WARSAW.name);
    expect(await warsaw.number()).toBe('[3]');
    expect(await sources.numbers()).toEqual(['[1]', '[2]', '[3]', '[4]', '[5]', '[6]']);
    // On the page, its sixteen citations read [3], and it is third in the list of sources.
    await expect.poll(() => preview.locator('a[aria-label="Source 3"]').count(), { timeout: 10_000 }).toBe(16);
    expect(await preview.locator('#source-3').textContent()).toContain('Reports the launch of the South Korea-Poland security dialogue');

    // By first appearance, the numbers follow the text, whatever the list's order.
    await sources.chooseNumbering('By first appearance in the text');
    const moved = [BRUSSELS.id, CYBER.id, WARSAW.id, NETHERLANDS.id, 'src-2025-12-17', 'src-2025-12-04'];
    const byAppearance = citationNumbers({ ...SAMPLE, citationOrder: 'first-appearance', sources: moved.map((id) => SAMPLE.sources.find((source) => source.id === id)!) });
    expect(await sources.numbers()).toEqual(moved.map((id) => `[${byAppearance.get(id)}]`));
    expect(await warsaw.number()).toBe('[1]');

    await sources.chooseMarkers('Combined: [2, 5]');
    await tab.story.waitUntilSaved();
    const saved = await savedStory(SAMPLE.title);
    expect(saved.sources.map((source) => source.id)).toEqual(moved);
    expect(saved.citationOrder).toBe('first-appearance');
    expect(saved.citationStyle).toBe('combined');

    // Each switch is one undo step; Ctrl+Z with the focus in the panel takes them back in turn.
    await sources.panel.getByLabel('Markers citing several sources').focus();
    await tab.press('Control+z');
    await expect.poll(() => sources.panel.getByLabel('Markers citing several sources').inputValue()).toBe('separate');
    await tab.press('Control+z');
    await expect.poll(() => sources.panel.getByLabel('Numbering').inputValue()).toBe('manual');
    expect(await warsaw.number()).toBe('[3]');
  });

  it('drags a source by its handle to another place in the list', async () => {
    const { sources } = await openStory(SAMPLE.title);
    await sources.chooseNumbering('Manual: the order of this list');
    await sources.row(WARSAW.name).dragOnto(sources.row(NETHERLANDS.name));
    await expect.poll(async () => (await sources.names())[3]).toContain(WARSAW.name);
    expect((await sources.names())[0]).toContain(BRUSSELS.name);
    expect(await sources.row(WARSAW.name).number()).toBe('[4]');
  });

  it('lists where a source is cited, and each place jumps to the citation in the text', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    const warsaw = sources.row(WARSAW.name);
    expect(await warsaw.cited().textContent()).toBe('Cited in 16 places');
    await warsaw.open();
    const places = warsaw.citedIn();
    expect(await places.count()).toBe(16);
    const [firstSection] = SAMPLE.sections;
    expect(await places.first().textContent()).toBe(`Section 1 «${firstSection!.heading}», paragraph 1`);
    await places.first().click();
    expect(await focusedPlace(tab.page)).toMatchObject({ sectionId: firstSection!.id, editable: true });

    const brussels = sources.row(BRUSSELS.name);
    await brussels.open();
    const [firstEntry] = placesCiting(SAMPLE, BRUSSELS.id);
    const entry = SAMPLE.timeline.find((candidate) => firstEntry?.part === 'timeline' && candidate.id === firstEntry.entryId);
    expect(await brussels.citedIn().first().textContent()).toBe(`Timeline «${entry!.date.label}»`);
    await brussels.citedIn().first().click();
    expect(await focusedPlace(tab.page)).toMatchObject({ entryId: entry!.id, editable: true });
  });

  it('opens a source at the field a coverage finding names', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    const coverage = new CoveragePanelView(tab.page);
    await coverage.openGroup('Blockers');
    await coverage.finding(/src-2025-12-17.*no title/).click();
    expect(await focusedPlace(tab.page)).toMatchObject({ sourceId: 'src-2025-12-17', field: 'title' });
    expect(await sources.row('Reports Norwegian Foreign Minister').toggle().getAttribute('aria-expanded')).toBe('true');
    // Typing there mends it: the finding goes.
    await tab.page.keyboard.type('Norway’s foreign minister visits Seoul');
    await expect.poll(() => coverage.finding(/src-2025-12-17.*no title/).count()).toBe(0);
  });

  it('warns of two sources with the same article and merges them after saying how many citations move', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    const cyber = await sources.find(CYBER.name);
    await cyber.open();
    await cyber.field('Article title').fill('Cyber policy dialogue');
    await cyber.field('Address (URL)').fill('https://www.example.com/defence-talks?utm_source=feed');
    const netherlands = await sources.find(NETHERLANDS.name);
    await netherlands.open();
    await netherlands.field('Article title').fill('Defence talks in Seoul');
    await netherlands.field('Address (URL)').fill('http://example.com/defence-talks/');

    expect(await cyber.urlNotes().last().textContent()).toBe('Same article as source [4] «Defence talks in Seoul». Merge…');
    await cyber.button('Merge…').click();
    const dialog = sources.dialog('Merge sources');
    expect(await dialog.getByLabel('Merge «Cyber policy dialogue» into').locator('option:checked').textContent()).toBe('[4] Defence talks in Seoul');
    expect(await dialog.locator('.merge-summary').textContent()).toContain(
      '«Cyber policy dialogue» will be removed from the list. Its 1 citation will cite «Defence talks in Seoul» instead.',
    );
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await sources.rows().count()).toBe(5);
    expect(await sources.row('Defence talks in Seoul').cited().textContent()).toBe('Cited in 3 places');
    expect(await focusedPlace(tab.page)).toMatchObject({ sourceId: NETHERLANDS.id });

    await tab.story.waitUntilSaved();
    const saved = await savedStory(SAMPLE.title);
    expect(saved.sources.map((source) => source.id)).not.toContain(CYBER.id);
    expect(placesCiting(saved, NETHERLANDS.id)).toHaveLength(3);
    // The survivor keeps its own address.
    expect(saved.sources.find((source) => source.id === NETHERLANDS.id)?.URL).toBe('http://example.com/defence-talks/');
  });

  it('deletes an uncited source at once, and a cited one only after saying where it is cited; undo brings it back', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    await sources.add();
    expect(await sources.rows().count()).toBe(7);
    await sources.rowAt(6).button('Delete source').click();
    expect(await sources.rows().count()).toBe(6);
    expect(await tab.page.getByRole('dialog').count()).toBe(0);

    const brussels = sources.row(BRUSSELS.name);
    await brussels.open();
    await brussels.button('Delete source').click();
    const dialog = sources.dialog(/^Delete «Reports the second Korea-EU/);
    expect(await dialog.locator('li .place').allTextContents()).toEqual(
      placesCiting(SAMPLE, BRUSSELS.id).map((ref) => `Timeline «${SAMPLE.timeline.find((entry) => ref.part === 'timeline' && entry.id === ref.entryId)!.date.label}»`),
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await sources.rows().count()).toBe(6);
    expect(await brussels.cited().textContent()).toBe('Cited in 3 places');

    await brussels.button('Delete source').click();
    await dialog.getByRole('button', { name: 'Remove the 3 citations and delete' }).click();
    expect(await sources.rows().count()).toBe(5);
    await expect.poll(() => tab.story.preview().locator('.sources li').count(), { timeout: 10_000 }).toBe(5);
    await tab.story.waitUntilSaved();
    const saved = await savedStory(SAMPLE.title);
    expect(saved.sources.map((source) => source.id)).not.toContain(BRUSSELS.id);
    expect(placesCiting(saved, BRUSSELS.id)).toEqual([]);

    // The focus went to the next source; Ctrl+Z there brings the source and its citations back.
    expect((await focusedPlace(tab.page)).sourceId).toBe(CYBER.id);
    await tab.press('Control+z');
    await expect.poll(() => sources.rows().count()).toBe(6);
    expect(await sources.row(BRUSSELS.name).cited().textContent()).toBe('Cited in 3 places');
  });

  it('shows a story in the trash without a way to change its sources', async () => {
    const { tab, sources } = await openStory(SAMPLE.title);
    await tab.story.pane.getByRole('button', { name: 'Move to trash' }).click();
    await tab.library.showTrash();
    await tab.library.open(SAMPLE.title);
    const warsaw = sources.row(WARSAW.name);
    await warsaw.open();
    expect(await warsaw.field('Article title').isDisabled()).toBe(true);
    expect(await warsaw.field('Role').isDisabled()).toBe(true);
    expect(await sources.panel.getByLabel('Numbering').isDisabled()).toBe(true);
    expect(await sources.addBox().count()).toBe(0);
    expect(await warsaw.handle().count()).toBe(0);
    expect(await warsaw.button('Delete source').count()).toBe(0);
    expect(await warsaw.button('Move up').count()).toBe(0);
    // The places citing it still lead into the text.
    expect(await warsaw.citedIn().count()).toBe(16);
  });

  it('has no serious accessibility problem, with a source open and with the delete dialog open, in light and dark', async () => {
    const { sources } = await openStory(SAMPLE.title);
    const brussels = await sources.find(BRUSSELS.name);
    await brussels.open();
    await brussels.field('Address (URL)').fill('https://www.example.com/brussels?utm_source=x');
    expect(await sources.accessibilityProblems()).toEqual([]);
    await brussels.button('Delete source').click();
    await sources.dialog(/^Delete «/).waitFor();
    expect(await sources.accessibilityProblems('.delete-source-dialog')).toEqual([]);
  });
});
