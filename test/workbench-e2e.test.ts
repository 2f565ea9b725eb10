// The workbench as an editor meets it in browser mode: the built UI (dist/renderer) served by the
// real server, each test over its own fresh library, driven in headless Chromium through the page
// objects in e2e/workbench.ts. Each test checks what the editor sees and what the library then
// holds; afterwards no console error and no Content-Security-Policy violation may have happened.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../shared/bundle';
import { sha256Hex } from '../electron/bundles';
import { SAMPLE_HERO_FILE } from '../electron/sample';
import { sampleStory } from './helpers/library';
import { workbenchSession } from './e2e/session';
import { PROJECT_ROOT, WorkbenchPage } from './e2e/workbench';

const SAMPLE = sampleStory();
const SAMPLE_ID = SAMPLE.id;
const HERO_FILE = path.join(PROJECT_ROOT, SAMPLE_HERO_FILE);

const session = workbenchSession();
/** A fresh library and server for this test, and a first tab on it. */
const open = () => session.open();
/** One more tab on the same library. */
const another = () => session.open();
const library = () => session.library();

// Browser tests wait on a busy 2-core machine; each gets a minute.
describe('the workbench in browser mode', { timeout: 60_000 }, () => {
  it('opens on the library with the sample story, and takes the token out of the address bar', async () => {
    const tab = await open();
    await tab.library.row(SAMPLE.title).waitFor();
    expect(tab.page.url()).not.toContain('token');
    await expect.poll(() => tab.library.row(SAMPLE.title).locator('.story-meta').textContent()).toContain('6 sources');

    await tab.library.open(SAMPLE.title);
    const coverage = tab.story.coverage();
    expect(await coverage.locator('dt', { hasText: 'Sentences cited' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('15/15');
    expect(await coverage.locator('.counts').textContent()).toContain('18 blockers');
    await expect.poll(() => tab.story.preview().locator('h1').first().textContent(), { timeout: 10_000 }).toBe(SAMPLE.title);
    expect(await tab.page.locator('iframe[title="Page preview"]').getAttribute('sandbox')).toBe('allow-same-origin');
    expect(await tab.notices().count()).toBe(0);
  });

  it('opens a story from the keyboard: arrows move through the list, Enter opens', async () => {
    const tab = await open();
    await tab.library.createStory('Port strike called off', 'Business');
    await tab.library.list.locator('button.story-open').first().focus();
    const sample = tab.library.row(SAMPLE.title).locator('button.story-open');
    const hasFocus = () => sample.evaluate((element) => element === (element.ownerDocument as { activeElement: unknown }).activeElement);
    for (let step = 0; step < 5 && !(await hasFocus()); step++) await tab.press('ArrowDown');
    expect(await hasFocus()).toBe(true);
    await tab.press('Enter');
    await tab.story.heading().filter({ hasText: SAMPLE.title }).waitFor();
  });

  it('creates a story, edits its header, and finds it by search', async () => {
    const tab = await open();
    await tab.library.createStory('Budget talks resume', 'Economy');
    await tab.story.heading().filter({ hasText: 'Budget talks resume' }).waitFor();
    // A story without text has nothing to cover yet, and its badge says so.
    await tab.library.row('Budget talks resume').locator('.badge', { hasText: 'No text yet' }).waitFor();

    await tab.story.setField('Title', 'Budget talks resume in Brussels');
    await tab.story.setField('Dek', 'Finance ministers return to the table after a week of silence.');
    await tab.story.setField('Feed', 'Europe');
    // A slug that breaks the rule is shown as a problem and not saved; the text stays as typed.
    await tab.story.setField('Slug', 'Budget Talks!');
    await tab.story.problemOf('Slug').waitFor();
    expect(await tab.story.problemOf('Slug').textContent()).toContain('lowercase letters and digits joined by single hyphens');
    expect(await tab.story.saveState().textContent()).toContain('Not saved: a field needs fixing');
    expect(await tab.story.field('Slug').inputValue()).toBe('Budget Talks!');
    await tab.story.pane.getByRole('button', { name: 'From title' }).click();
    expect(await tab.story.field('Slug').inputValue()).toBe('budget-talks-resume-in-brussels');
    await tab.story.waitUntilSaved();
    await tab.story.heading().filter({ hasText: 'Budget talks resume in Brussels' }).waitFor();
    await expect.poll(() => tab.story.preview().locator('h1').first().textContent()).toBe('Budget talks resume in Brussels');

    const [summary] = (await (await library()).service.listStories({})).filter((story) => story.title.startsWith('Budget'));
    const stored = await (await library()).service.getStory({ id: summary?.id ?? '' });
    expect(stored).toMatchObject({
      title: 'Budget talks resume in Brussels',
      dek: 'Finance ministers return to the table after a week of silence.',
      feed: 'Europe',
      slug: 'budget-talks-resume-in-brussels',
    });

    // After a reload the story is as it was left.
    await tab.page.reload();
    await tab.library.open('Budget talks resume in Brussels');
    expect(await tab.story.field('Dek').inputValue()).toBe('Finance ministers return to the table after a week of silence.');

    await tab.library.search('silence');
    const hit = tab.library.row('Budget talks resume in Brussels');
    await hit.locator('mark', { hasText: 'silence' }).waitFor();
    await tab.library.search('');
  });

  it('moves a story to the trash, finds it there, restores it, and empties the trash', async () => {
    const tab = await open();
    await tab.library.createStory('Harbour strike ends', 'Business');
    await tab.story.pane.getByRole('button', { name: 'Move to trash' }).click();
    await tab.library.row('Harbour strike ends').waitFor({ state: 'detached' });

    await tab.library.showTrash();
    const trashed = tab.library.row('Harbour strike ends');
    await trashed.waitFor();
    await trashed.getByRole('button', { name: 'Restore' }).click();
    await trashed.waitFor({ state: 'detached' });
    await tab.library.showStories();
    await tab.library.row('Harbour strike ends').waitFor();

    // Emptying the trash asks first, then deletes what is there for good.
    await tab.library.createStory('Ferry timetable changes', 'Local');
    await tab.story.pane.getByRole('button', { name: 'Move to trash' }).click();
    await tab.library.row('Ferry timetable changes').waitFor({ state: 'detached' });
    await tab.library.showTrash();
    await tab.library.row('Ferry timetable changes').waitFor();
    await tab.page.getByRole('button', { name: 'Empty trash…' }).click();
    await tab.page.getByRole('group', { name: 'Empty the trash?' }).getByRole('button', { name: 'Delete them all' }).click();
    await tab.page.getByText('The trash is empty.').waitFor();
    await tab.page.getByRole('status').filter({ hasText: 'Deleted one story from the trash for good.' }).waitFor();
    expect((await (await library()).service.listStories({ in: 'trash' })).length).toBe(0);
    expect((await (await library()).service.listStories({})).map((story) => story.title).sort()).toEqual(['Harbour strike ends', SAMPLE.title].sort());
  });

  it('attaches a hero image chosen with the file chooser, with its credit, and shows it in the preview', async () => {
    const tab = await open();
    await tab.library.createStory('Floods in the valley', 'Weather');
    await tab.story.chooseHeroFile(HERO_FILE);
    await tab.story.heroImage().waitFor();
    await tab.story.setField('Alt text', 'Rescue boats on a flooded street');
    await tab.story.setField('Credit', 'Yonhap');
    await tab.story.setField('Usage terms', 'PHOTO NOT FOR SALE');
    await tab.story.setField('Source link', 'not a link');
    await tab.story.problemOf('Source link').waitFor();
    await tab.story.setField('Source link', 'https://example.com/photo');
    await tab.story.waitUntilSaved();

    expect(await tab.story.heroImage().getAttribute('alt')).toBe('Rescue boats on a flooded street');
    await expect.poll(() => tab.story.preview().locator('figure.hero img').count()).toBe(1);
    expect(await tab.story.preview().locator('figure.hero').textContent()).toContain('Image: Yonhap (PHOTO NOT FOR SALE)');
    const summary = (await (await library()).service.listStories({})).find((story) => story.title === 'Floods in the valley');
    const stored = await (await library()).service.getStory({ id: summary?.id ?? '' });
    expect(stored.hero).toMatchObject({ alt: 'Rescue boats on a flooded street', credit: 'Yonhap', usageTerms: 'PHOTO NOT FOR SALE', sourceUrl: 'https://example.com/photo' });
    expect(stored.hero?.asset.mediaType).toBe('image/png');

    // A file that is not an image is refused with a message, and the hero stays.
    const chooser = tab.page.waitForEvent('filechooser');
    await tab.story.pane.getByRole('button', { name: 'Replace image…' }).click();
    await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await tab.notices().filter({ hasText: '“notes.txt” cannot be the hero image' }).waitFor();
    expect(await tab.story.heroImage().count()).toBe(1);
  });

  it('takes a hero image dropped on it or pasted into it', async () => {
    const tab = await open();
    await tab.library.createStory('Dropped and pasted', 'Weather');
    const png = fs.readFileSync(HERO_FILE);
    await tab.story.dropHeroFile('dropped.png', 'image/png', png);
    await tab.story.heroImage().waitFor();
    await tab.story.waitUntilSaved();
    const id = (await (await library()).service.listStories({})).find((story) => story.title === 'Dropped and pasted')?.id ?? '';
    const dropped = (await (await library()).service.getStory({ id })).hero?.asset.sha256;
    expect(dropped).toMatch(/^[0-9a-f]{64}$/);

    // A pasted image replaces it; the text fields stay.
    await tab.story.setField('Caption', 'Kept across the replacement');
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    await tab.story.pasteHeroFile('pasted.gif', 'image/gif', gif);
    await expect.poll(async () => (await (await library()).service.getStory({ id })).hero?.asset.mediaType, { timeout: 10_000 }).toBe('image/gif');
    expect((await (await library()).service.getStory({ id })).hero?.caption).toBe('Kept across the replacement');
    expect(await tab.story.heroImage().getAttribute('width')).toBe('1');
  });

  it('restores an earlier revision from the history, as a new revision', async () => {
    const tab = await open();
    await tab.library.createStory('Rail fares rise', 'Transport');
    await tab.story.setField('Title', 'Rail fares rise by 5%');
    await tab.story.waitUntilSaved();
    await tab.story.setField('Title', 'Rail fares rise by 5% in March');
    await tab.story.waitUntilSaved();

    const history = await tab.openHistory();
    expect(await history.revisions.locator('li').count()).toBe(3);
    expect(await history.dialog.locator('.revision-space').textContent()).toMatch(
      /^3 revisions kept, taking \d+ KB\. Storydesk keeps every revision of the last day, then the last of each hour up to 30 days, then the last of each day;/,
    );
    const shown = await history.view(1);
    expect(await shown.locator('.revision-details').textContent()).toContain('Rail fares rise');
    await expect.poll(() => shown.frameLocator('iframe').locator('h1').first().textContent()).toBe('Rail fares rise');
    await shown.getByRole('button', { name: 'Restore revision 1' }).click();
    await shown.waitFor({ state: 'detached' });

    expect(await tab.story.field('Title').inputValue()).toBe('Rail fares rise');
    const again = await tab.openHistory();
    expect((await again.summaries())[0]).toContain('Restored revision 1');
    expect(await again.revisions.locator('li').count()).toBe(4);
  });

  it('opens a story in a tab of its own, whose edits the library tab shows', async () => {
    const tab = await open();
    await tab.library.open(SAMPLE.title);
    const opened = tab.page.context().waitForEvent('page');
    await tab.story.pane.getByRole('button', { name: 'Open in new tab' }).click();
    const storyTab = new WorkbenchPage(await opened);
    session.watch(storyTab);
    await storyTab.story.heading().filter({ hasText: SAMPLE.title }).waitFor();
    expect(await storyTab.page.title()).toBe(`${SAMPLE.title} — Storydesk`);
    expect(await storyTab.page.getByRole('navigation', { name: 'Library' }).count()).toBe(0);
    expect(storyTab.page.url()).not.toContain('token');

    await storyTab.story.setField('Title', 'Seoul and Warsaw open security talks');
    await storyTab.story.waitUntilSaved();
    await tab.library.row('Seoul and Warsaw open security talks').waitFor();
    await tab.story.heading().filter({ hasText: 'Seoul and Warsaw open security talks' }).waitFor();
    expect(await tab.story.field('Title').inputValue()).toBe('Seoul and Warsaw open security talks');

    // New Story in a story's own window opens the new story in a window of its own too.
    const another = storyTab.page.context().waitForEvent('page');
    await storyTab.press('Control+Alt+n');
    const newTab = new WorkbenchPage(await another);
    session.watch(newTab);
    await newTab.story.heading().filter({ hasText: 'Untitled story' }).waitFor();
    expect((await (await library()).service.listStories({})).length).toBe(2);
  });

  /**
   * Two editors typing at once: the first tab's connection drops while its editor types, the
   * second tab saves meanwhile, and when the first is back its save is based on a stale revision.
   */
  async function conflictingEdits(first: WorkbenchPage, second: WorkbenchPage, edits: { first: [string, string]; second: [string, string] }): Promise<void> {
    await first.library.open(SAMPLE.title);
    await second.library.open(SAMPLE.title);
    await first.page.context().setOffline(true);
    await first.story.setField(...edits.first);
    await first.story.saveState().filter({ hasText: 'Not saved yet' }).waitFor();
    await second.story.setField(...edits.second);
    await second.story.waitUntilSaved();
    await first.backOnlineToConflict();
  }

  it('shows a conflict when two tabs edit one story, and keeps the editor’s version as a copy', async () => {
    const first = await open();
    const second = await another();
    await conflictingEdits(first, second, { first: ['Dek', 'A dek written in the first tab.'], second: ['Title', 'Seoul and Warsaw widen their security talks'] });
    const banner = first.story.conflictBanner();
    expect(await banner.textContent()).toContain(`Title: «${SAMPLE.title.slice(0, 59)}…» → «Seoul and Warsaw widen their security talks»`);
    expect(await first.story.saveState().textContent()).toContain('Not saved: changed elsewhere');
    expect(await first.story.field('Dek').inputValue()).toBe('A dek written in the first tab.');
    expect(await first.accessibilityProblems()).toEqual([]);

    await banner.getByRole('button', { name: 'Keep mine as a copy' }).click();
    await first.story.heading().filter({ hasText: `${SAMPLE.title} (copy)` }).waitFor();
    expect(await first.story.field('Dek').inputValue()).toBe('A dek written in the first tab.');
    // Nothing was overwritten: the sample keeps the second tab's title, and no dek.
    const sample = await (await library()).service.getStory({ id: SAMPLE_ID });
    expect(sample.title).toBe('Seoul and Warsaw widen their security talks');
    expect(sample.dek).toBeUndefined();
  });

  it('lets the editor reload the other version after a conflict', async () => {
    const first = await open();
    const second = await another();
    await conflictingEdits(first, second, { first: ['Feed', 'Europe'], second: ['Feed', 'Asia-Pacific'] });
    expect(await first.story.conflictBanner().textContent()).toContain('Feed: «Top Headlines» → «Asia-Pacific»');
    await first.story.conflictBanner().getByRole('button', { name: /^Reload their version/ }).click();
    await first.story.conflictBanner().waitFor({ state: 'detached' });
    expect(await first.story.field('Feed').inputValue()).toBe('Asia-Pacific');
    expect((await (await library()).service.getStory({ id: SAMPLE_ID })).feed).toBe('Asia-Pacific');
    await first.story.waitUntilSaved();
    // The messages that said the server could not be reached go once it answers again.
    await expect.poll(() => first.notices().count(), { timeout: 20_000 }).toBe(0);
  });

  it('keeps typing that could not be saved, retries, and offers it back after a reload', async () => {
    const tab = await open();
    await tab.library.open(SAMPLE.title);
    (await library()).failSaves.on = true;
    await tab.story.setField('Dek', 'Typed while the disk was full.');
    await tab.story.saveState().filter({ hasText: 'Not saved yet' }).waitFor();
    expect(await tab.story.saveState().textContent()).toContain('the disk is full (simulated)');
    expect(await tab.story.field('Dek').inputValue()).toBe('Typed while the disk was full.');

    // The page goes away before the save succeeds: the draft is kept in the browser.
    await tab.page.reload();
    await tab.library.open(SAMPLE.title);
    const kept = tab.story.pane.getByRole('region', { name: 'Unsaved changes from earlier' });
    await kept.waitFor();
    (await library()).failSaves.on = false;
    await kept.getByRole('button', { name: 'Restore my changes' }).click();
    await tab.story.waitUntilSaved();
    expect((await (await library()).service.getStory({ id: SAMPLE_ID })).dek).toBe('Typed while the disk was full.');
  });

  it('asks for a reason to publish a story with blockers, and keeps it in the history', async () => {
    const tab = await open();
    await tab.library.open(SAMPLE.title);
    await tab.story.chooseStatus('Published');
    const gate = tab.dialog('This story has blockers');
    await gate.waitFor();
    expect(await gate.locator('.blockers li').count()).toBe(18);
    expect(await tab.accessibilityProblems()).toEqual([]);
    const publish = gate.getByRole('button', { name: 'Publish anyway' });
    expect(await publish.isDisabled()).toBe(true);
    await gate.getByLabel('Reason for publishing anyway').fill('Sources confirmed by phone; links follow.');
    await publish.click();
    await gate.waitFor({ state: 'detached' });
    await tab.story.pane.locator('.story-meta .badge', { hasText: 'Published' }).waitFor();
    expect((await (await library()).service.getStory({ id: SAMPLE_ID })).status).toBe('published');
    const history = await tab.openHistory();
    expect((await history.summaries())[0]).toContain('Override: “Sources confirmed by phone; links follow.”');
  });

  it('exports a story bundle through the dialog, and imports it back as a copy', async () => {
    const tab = await open();
    await tab.library.open(SAMPLE.title);
    await tab.press('Control+Shift+E');
    const exporting = await tab.exportDialog();
    await exporting.choose(/^Story bundle/);
    const { download, bytes } = await exporting.export();
    expect(download.suggestedFilename()).toMatch(/\.storybundle$/);
    const bundle = readBundle(new Uint8Array(bytes), { sha256: sha256Hex });
    expect(bundle.kind).toBe('story');
    expect(bundle.stories[0]?.title).toBe(SAMPLE.title);
    await tab.dialog('Exported').getByRole('button', { name: 'Done' }).click();

    const importing = await tab.openImportDialog();
    const finished = await importing.importFiles([{ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: bytes }], 'Keep both: import it as a copy');
    expect(await finished.textContent()).toContain('1 of 1 file imported');
    expect(await finished.textContent()).toContain('as a copy');
    await finished.getByRole('button', { name: 'Open it' }).click();
    expect((await (await library()).service.listStories({})).length).toBe(2);
  });

  it('reports a damaged file in the import dialog and imports the rest', async () => {
    const tab = await open();
    const importing = await tab.openImportDialog();
    const seed = fs.readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/seed-story.txt'));
    const finished = await importing.importFiles([
      { name: 'broken.storybundle', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04 this is not a zip archive') },
      { name: 'seed-story.txt', mimeType: 'text/plain', buffer: seed },
      { name: 'notes.storybundle', mimeType: 'application/octet-stream', buffer: Buffer.from('Never a bundle.\n') },
    ]);
    expect(await finished.locator('[role="status"]').textContent()).toBe('1 of 3 files imported; 2 refused, with nothing written from them.');
    expect(await finished.locator('li.refused', { hasText: 'notes.storybundle' }).textContent()).toContain('is not a zip archive');
    expect(await finished.locator('li.refused', { hasText: 'broken.storybundle' }).count()).toBe(1);
    expect((await (await library()).service.listStories({})).length).toBe(2);
  });

  it('lists the backups, backs up on request, and says how to restore one', async () => {
    const tab = await open();
    await tab.page.getByRole('toolbar', { name: 'Library commands' }).getByRole('button', { name: 'Backups…' }).click();
    const dialog = tab.dialog('Backups');
    await dialog.waitFor();
    await dialog.getByText('No backups yet.').waitFor();
    expect(await dialog.textContent()).toContain(
      'While the library is open and changing, Storydesk backs it up every 30 minutes, and whenever you choose Back Up Library. It keeps the newest 10, then one a day for 14 days, then one a week for 8 weeks.',
    );
    expect(await tab.accessibilityProblems()).toEqual([]);

    await dialog.getByRole('button', { name: 'Back up now' }).click();
    const list = dialog.getByRole('list', { name: 'Backups, newest first' });
    await list.waitFor();
    const backups = await (await library()).service.listBackups({});
    expect(backups).toHaveLength(1);
    expect(await list.locator('li').count()).toBe(1);
    expect(await list.locator('code').getAttribute('title')).toBe(backups[0]!.path);
    expect(await dialog.locator('.backups-total').textContent()).toMatch(/^1 backup, taking \d+ KB, in \//);
    expect(await dialog.locator('.backups-restore').textContent()).toContain('storydesk restore-backup --latest');
    await tab.page.getByRole('status').filter({ hasText: 'The library is backed up to' }).waitFor();
  });

  it('answers the menus’ shortcuts in the page', async () => {
    const tab = await open();
    await tab.press('Control+f');
    expect(await tab.library.searchBox().evaluate((element) => element === (element.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
    await tab.press('Control+Alt+n');
    await expect.poll(() => tab.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } } }).document.activeElement.getAttribute('aria-label'))).toBe('New story title');
    await tab.press('Control+/');
    const help = tab.dialog('Keyboard shortcuts');
    await help.waitFor();
    expect(await help.textContent()).toContain('Ctrl+Shift+O');
    await tab.press('Escape');
    await help.waitFor({ state: 'detached' });
    await tab.press('Control+Shift+B');
    await tab.page.getByRole('status').filter({ hasText: 'The library is backed up to' }).waitFor();
  });

  it('has no serious or critical accessibility violations in any view, light or dark', { timeout: 120_000 }, async () => {
    const tab = await open();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.library.open(SAMPLE.title);
    expect(await tab.accessibilityProblems()).toEqual([]);
    const history = await tab.openHistory();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await history.view(1);
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.press('Escape');
    await tab.openExportDialog();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.press('Escape');
    await tab.openImportDialog();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.press('Escape');
    await tab.press('Control+/');
    await tab.dialog('Keyboard shortcuts').waitFor();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.press('Escape');
    await tab.library.showTrash();
    expect(await tab.accessibilityProblems()).toEqual([]);
  });
});
