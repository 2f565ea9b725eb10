// The timeline editor as an editor meets it in browser mode (the built UI, the real server, a fresh
// library per test): dates read back as they are typed, entries out of date order marked where
// they stand, Sort by date, moving entries by keyboard, buttons and drag, deleting and taking
// back, and what the library holds once the draft is saved.
import { describe, expect, it } from 'vitest';
import type { Story } from '../shared/model';
import { workbenchSession } from './e2e/session';
import type { WorkbenchPage } from './e2e/workbench';
import { CoveragePanelView } from './e2e/coverage';
import { SourcePicker, chipsIn } from './e2e/editor';
import { TimelinePanel } from './e2e/timeline';

const session = workbenchSession();

/** A fresh library with a new story open in a tab, and that tab's timeline. */
async function newStory(title: string): Promise<{ page: WorkbenchPage; timeline: TimelinePanel }> {
  const tab = await session.open();
  await tab.library.createStory(title, 'World');
  await tab.story.heading().filter({ hasText: title }).waitFor();
  return { page: tab, timeline: new TimelinePanel(tab.page) };
}

/**
 * A fresh library holding a story made through the service (as an import would make it), open
 * in a tab: for timelines with citations, which take sources and clicks to build in the UI.
 */
async function storyFromLibrary(title: string, parts: Pick<Story, 'sources' | 'timeline'>): Promise<{ page: WorkbenchPage; timeline: TimelinePanel }> {
  const { service } = await session.library();
  const created = await service.createStory({ title, feed: 'World' });
  await service.saveStory({ story: { ...created, ...parts }, baseRevision: created.revision });
  const tab = await session.open();
  await tab.library.open(title);
  return { page: tab, timeline: new TimelinePanel(tab.page) };
}

/** The story as the library holds it, once the draft on screen is saved. */
async function savedStory(page: WorkbenchPage, title: string): Promise<Story> {
  await page.story.waitUntilSaved();
  const { service } = await session.library();
  const summary = (await service.listStories({})).find((story) => story.title === title);
  return service.getStory({ id: summary?.id ?? '' });
}

/** Whether the element has the page's focus. */
function hasFocus(locator: { evaluate<R>(fn: (element: unknown) => R): Promise<R> }): Promise<boolean> {
  return locator.evaluate((element) => element === (element as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement);
}

/** The labels of the shuffled timeline the tests start from; "Soon after" is no date. */
const SHUFFLED = ['Feb 2, 2026', '1950\u201153', 'Late 2024', 'Soon after', '2010', 'Dec 4, 2025'];
const SORTED = ['1950\u201153', '2010', 'Late 2024', 'Soon after', 'Dec 4, 2025', 'Feb 2, 2026'];

async function enterShuffled(timeline: TimelinePanel): Promise<void> {
  for (const label of SHUFFLED) await timeline.addEntry(label);
  await expect.poll(() => timeline.labels()).toEqual(SHUFFLED);
}

// Browser tests wait on a busy 2-core machine; each gets a minute.
describe('the timeline editor', { timeout: 60_000 }, () => {
  it('reads each date as it is typed, marks entries out of date order, and sorts by date with undated entries kept in place', async () => {
    const { page, timeline } = await newStory('Ceasefire talks');
    await timeline.section.getByText('No entries yet.').waitFor();

    // The reading follows the typing: a year, then the range it becomes.
    await timeline.addButton().click();
    const first = timeline.entry(1);
    expect(await hasFocus(first.dateField())).toBe(true);
    await first.dateField().pressSequentially('1950');
    await expect.poll(() => first.reading().textContent()).toBe('1950 — year');
    await first.dateField().pressSequentially('\u201153');
    await expect.poll(() => first.reading().textContent()).toBe('1950/1953 — year range');
    await first.dateField().fill('');

    for (const [index, label] of SHUFFLED.entries()) {
      if (index === 0) await first.dateField().fill(label);
      else await timeline.addEntry(label);
    }
    await expect.poll(() => timeline.labels()).toEqual(SHUFFLED);
    expect(await timeline.entry(1).reading().textContent()).toBe('2026-02-02 — day');
    expect(await timeline.entry(3).reading().textContent()).toBe('2024-41 — part of a year');
    expect(await timeline.entry(4).reading().textContent()).toBe('? Cannot be read as a date (not a date this parser knows: "Soon after"); it keeps its place when sorting.');
    expect(await timeline.entry(6).reading().textContent()).toBe('2025-12-04 — day');

    // The contradictions are marked on the entries themselves, in words.
    expect(await timeline.summary().textContent()).toBe('2 entries are out of date order — Sort by date');
    expect(await timeline.undatedNote().textContent()).toBe('1 date cannot be read; it keeps its place when sorting.');
    expect(await timeline.entry(1).orderMarker().textContent()).toBe('⚠ Out of date order: "Feb 2, 2026" comes before "1950‑53" but is later.');
    expect(await timeline.entry(5).orderMarker().textContent()).toBe('⚠ Out of date order: "2010" comes after "Late 2024" but is earlier.');
    for (const number of [2, 3, 4, 6]) expect(await timeline.entry(number).orderMarker().count()).toBe(0);

    await timeline.sortButton().click();
    await expect.poll(() => timeline.labels()).toEqual(SORTED);
    expect(await timeline.section.locator('.order-problem').count()).toBe(0);
    expect(await timeline.summary().textContent()).toBe('6 entries, in date order. Sort by date');
    // In order, the button is disabled and keeps the focus; the line it points to says why.
    expect(await timeline.sortButton().isDisabled()).toBe(true);
    expect(await hasFocus(timeline.sortButton())).toBe(true);

    const stored = await savedStory(page, 'Ceasefire talks');
    expect(stored.timeline.map((entry) => entry.date)).toEqual([
      { label: '1950\u201153', edtf: '1950/1953' },
      { label: '2010', edtf: '2010' },
      { label: 'Late 2024', edtf: '2024-41' },
      { label: 'Soon after' },
      { label: 'Dec 4, 2025', edtf: '2025-12-04' },
      { label: 'Feb 2, 2026', edtf: '2026-02-02' },
    ]);
  });

  it('marks an empty date as a problem that keeps the story from being saved, until one is typed', async () => {
    const { page, timeline } = await newStory('Harbour fire');
    await timeline.addButton().click();
    const entry = timeline.entry(1);
    await entry.problem().waitFor();
    expect(await entry.problem().textContent()).toBe('a timeline date needs a label');
    expect(await entry.dateField().getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.story.saveState().textContent()).toContain('Not saved: a field needs fixing');

    await entry.dateField().pressSequentially('Friday');
    await entry.problem().waitFor({ state: 'detached' });
    const stored = await savedStory(page, 'Harbour fire');
    // A relative date is read against the story's date, and the reading says so.
    const day = stored.updatedAt.slice(0, 10);
    expect(await entry.reading().textContent()).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} — relative day, counted from the story’s date, ${day}$`));
    expect(stored.timeline[0]?.date.label).toBe('Friday');
    expect(stored.timeline[0]?.date.edtf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('moves entries with Alt+↑ and Alt+↓ from the date, the handle or the text, keeping the focus on the moved entry, and with the Move buttons', async () => {
    const { page, timeline } = await newStory('Rail strike');
    await enterShuffled(timeline);

    // From the date field: the entry moves, the focus and the caret go with it.
    await timeline.entry(4).dateField().click();
    await page.press('Alt+ArrowUp');
    await page.press('Alt+ArrowUp');
    await expect.poll(() => timeline.labels()).toEqual(['Feb 2, 2026', 'Soon after', '1950\u201153', 'Late 2024', '2010', 'Dec 4, 2025']);
    expect(await hasFocus(timeline.entry(2).dateField())).toBe(true);
    await page.press('Alt+ArrowDown');
    await expect.poll(() => timeline.labels()).toEqual(['Feb 2, 2026', '1950\u201153', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);
    expect(await hasFocus(timeline.entry(3).dateField())).toBe(true);

    // From the drag handle, downwards: the handle keeps the focus.
    await timeline.entry(1).dragHandle().focus();
    await page.press('Alt+ArrowDown');
    await expect.poll(() => timeline.labels()).toEqual(['1950\u201153', 'Feb 2, 2026', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);
    expect(await hasFocus(timeline.entry(2).dragHandle())).toBe(true);
    // The first entry cannot go further up.
    await timeline.entry(1).dateField().focus();
    await page.press('Alt+ArrowUp');
    expect((await timeline.labels())[0]).toBe('1950\u201153');

    // From the text, too: the cursor stays in the moved entry's text.
    await timeline.entry(3).textField().click();
    await page.page.keyboard.type('No date yet.');
    await page.press('Alt+ArrowUp');
    await expect.poll(() => timeline.labels()).toEqual(['1950\u201153', 'Soon after', 'Feb 2, 2026', 'Late 2024', '2010', 'Dec 4, 2025']);
    expect(await hasFocus(timeline.entry(2).textField())).toBe(true);
    await page.page.keyboard.type(' Later.');
    expect(await timeline.entry(2).textField().textContent()).toBe('No date yet. Later.');
    await page.press('Alt+ArrowDown');
    await expect.poll(() => timeline.labels()).toEqual(['1950\u201153', 'Feb 2, 2026', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);

    // The buttons: Move up on the second entry makes it first, and the focus goes to Move down.
    await timeline.entry(2).button('Move up').click();
    await expect.poll(() => timeline.labels()).toEqual(['Feb 2, 2026', '1950\u201153', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);
    expect(await hasFocus(timeline.entry(1).button('Move down'))).toBe(true);
    expect(await timeline.entry(1).button('Move up').isDisabled()).toBe(true);
    await page.press('Enter');
    await expect.poll(() => timeline.labels()).toEqual(['1950\u201153', 'Feb 2, 2026', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);

    const stored = await savedStory(page, 'Rail strike');
    expect(stored.timeline.map((entry) => entry.date.label)).toEqual(['1950\u201153', 'Feb 2, 2026', 'Soon after', 'Late 2024', '2010', 'Dec 4, 2025']);
  });

  it('moves an entry by dragging its handle, with the mouse or from the keyboard', async () => {
    const { page, timeline } = await newStory('Bridge closure');
    for (const label of ['2010', '2012', '2011']) await timeline.addEntry(label);
    await timeline.entry(3).dragTo(timeline.entry(2));
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2011', '2012']);
    expect(await timeline.section.locator('.order-problem').count()).toBe(0);
    await timeline.entry(1).dragTo(timeline.entry(3));
    await expect.poll(() => timeline.labels()).toEqual(['2011', '2012', '2010']);
    await timeline.entry(3).orderMarker().waitFor();
    // From the keyboard, further than one place: Space picks the entry up, arrows carry it, Space drops it.
    await timeline.entry(3).carryByKeyboard('up', 2);
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2011', '2012']);
    await timeline.entry(1).dragTo(timeline.entry(3));
    await expect.poll(() => timeline.labels()).toEqual(['2011', '2012', '2010']);
    const stored = await savedStory(page, 'Bridge closure');
    expect(stored.timeline.map((entry) => entry.date.label)).toEqual(['2011', '2012', '2010']);
  });

  it('adds an entry below another, deletes one and takes it back with Undo', async () => {
    const { page, timeline } = await newStory('Flood warnings');
    for (const label of ['2010', '2012']) await timeline.addEntry(label);
    await timeline.entry(1).button('Add below').click();
    expect(await hasFocus(timeline.entry(2).dateField())).toBe(true);
    await timeline.entry(2).dateField().pressSequentially('2011');
    expect(await timeline.labels()).toEqual(['2010', '2011', '2012']);

    await timeline.entry(2).button('Delete').click();
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2012']);
    // The focus goes to the entry that took its place; the notice offers the entry back.
    expect(await hasFocus(timeline.entry(2).dateField())).toBe(true);
    expect(await timeline.notice().textContent()).toBe('Deleted entry 2 «2011». Undo');
    await timeline.notice().getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2011', '2012']);
    expect(await hasFocus(timeline.entry(2).dateField())).toBe(true);
    expect(await timeline.notice().textContent()).toBe('');

    // Deleting the last entry leaves the focus on Add entry.
    for (let count = 3; count > 0; count--) await timeline.entry(count).button('Delete').click();
    expect(await timeline.entries.count()).toBe(0);
    expect(await hasFocus(timeline.addButton())).toBe(true);
    const stored = await savedStory(page, 'Flood warnings');
    expect(stored.timeline).toEqual([]);
  });

  it('undoes and redoes adding, moving, deleting and sorting, each as one step', async () => {
    const { page, timeline } = await newStory('Power cuts');
    for (const label of ['2012', '2010']) await timeline.addEntry(label);
    // Typing a date pauses, so the steps below do not join the typing's step.
    await page.story.waitUntilSaved();

    await timeline.sortButton().click();
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2012']);
    await page.press('Control+z');
    await expect.poll(() => timeline.labels()).toEqual(['2012', '2010']);
    await page.press('Control+Shift+z');
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2012']);

    await timeline.entry(1).dateField().focus();
    await page.press('Alt+ArrowDown');
    await expect.poll(() => timeline.labels()).toEqual(['2012', '2010']);
    await page.press('Control+z');
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2012']);

    await timeline.entry(1).button('Delete').click();
    await expect.poll(() => timeline.labels()).toEqual(['2012']);
    await page.press('Control+z');
    await expect.poll(() => timeline.labels()).toEqual(['2010', '2012']);
    // Back by undo, the entry needs no Undo button any more.
    expect(await timeline.notice().textContent()).toBe('');
    await page.press('Control+Shift+z');
    await expect.poll(() => timeline.labels()).toEqual(['2012']);

    await timeline.addButton().click();
    await expect.poll(() => timeline.labels()).toEqual(['2012', '']);
    await page.press('Control+z');
    await expect.poll(() => timeline.labels()).toEqual(['2012']);
    await page.press('Control+Shift+z');
    await expect.poll(() => timeline.labels()).toEqual(['2012', '']);
    await page.press('Control+z');

    const stored = await savedStory(page, 'Power cuts');
    expect(stored.timeline.map((entry) => entry.date.label)).toEqual(['2012']);
  });

  it('writes an entry’s text with a citation from the picker, and shows the entry a coverage finding points at', async () => {
    const { page, timeline } = await storyFromLibrary('Dam inquiry', {
      sources: [{ id: 'source-inquiry', title: 'Inquiry opens into dam failure', 'container-title': 'The Courier', URL: 'https://courier.example/dam-inquiry', role: 'cited' }],
      timeline: [
        { id: 'entry-gone', date: { label: '2019', edtf: '2019' }, body: [{ type: 'text', text: 'The dam is inspected.' }, { type: 'citation', sources: ['source-deleted'] }] },
        { id: 'entry-built', date: { label: '1968', edtf: '1968' }, body: [{ type: 'text', text: 'The dam is built.' }] },
        { id: 'entry-fails', date: { label: 'Mar 3, 2024', edtf: '2024-03-03' }, body: [] },
      ],
    });
    // Its text, with a citation inserted through the picker: the chip shows the source's number.
    const third = timeline.entry(3);
    await third.textField().click();
    await page.page.keyboard.type('The dam fails after days of rain ');
    await page.page.keyboard.type('[');
    const picker = new SourcePicker(page.page);
    await picker.options().first().waitFor();
    await page.press('Enter');
    await expect.poll(() => chipsIn(third.textField())).toEqual(['[1]']);
    const stored = await savedStory(page, 'Dam inquiry');
    expect(stored.timeline[2]?.body).toEqual([
      { type: 'text', text: 'The dam fails after days of rain' },
      { type: 'citation', sources: ['source-inquiry'] },
    ]);

    // A finding about the order selects the entry's date; one about a citation selects the chip.
    const coverage = new CoveragePanelView(page.page);
    await coverage.openGroup('Warnings');
    await coverage.openGroup('Blockers');
    await coverage.finding('"1968" comes after "2019" but is earlier').click();
    const date = timeline.entry(2).dateField();
    expect(await hasFocus(date)).toBe(true);
    expect(await date.evaluate((input) => [(input as { selectionStart: number }).selectionStart, (input as { selectionEnd: number }).selectionEnd])).toEqual([0, 4]);
    await coverage.finding('not in the sources list').click();
    const first = timeline.entry(1).textField();
    await expect.poll(() => first.locator('.citation-chip.selected').count()).toBe(1);
    expect(await hasFocus(first)).toBe(true);
  });

  it('in a long timeline, makes entries as they near the screen, and reveals or adds one far away with its date focused', async () => {
    // 120 entries, one a year from 1901, with 1960 and 1961 the wrong way round.
    const years = Array.from({ length: 120 }, (_, index) => 1901 + index).map((year) => (year === 1960 ? 1961 : year === 1961 ? 1960 : year));
    const { page, timeline } = await storyFromLibrary('A century of floods', {
      sources: [],
      timeline: years.map((year) => ({ id: `entry-${year}`, date: { label: String(year), edtf: String(year) }, body: [{ type: 'text', text: `Floods in ${year}.` }] })),
    });
    await expect.poll(() => timeline.entries.count()).toBe(120);
    // Away from the screen an entry stands in with its words, and its marker, until it is made.
    const far = timeline.entry(61);
    expect(await far.item.getAttribute('class')).toContain('stand-in');
    expect(await far.item.textContent()).toBe('Entry 61: 1960Floods in 1960.Out of date order: "1960" comes after "1961" but is earlier.');
    expect(await timeline.summary().textContent()).toBe('1 entry is out of date order — Sort by date');

    // Scrolled to, an entry is made: its date field and its text appear.
    const later = timeline.entry(100);
    expect(await later.dateField().count()).toBe(0);
    await later.item.scrollIntoViewIfNeeded();
    await later.dateField().waitFor();
    expect(await later.textField().textContent()).toBe('Floods in 2000.');

    const coverage = new CoveragePanelView(page.page);
    await coverage.openGroup('Warnings');
    await coverage.finding('"1960" comes after "1961" but is earlier').click();
    const date = far.dateField();
    await expect.poll(() => hasFocus(date)).toBe(true);
    expect(await date.inputValue()).toBe('1960');

    await timeline.addButton().click();
    const added = timeline.entry(121);
    expect(await hasFocus(added.dateField())).toBe(true);
    await added.dateField().pressSequentially('2021');
    await timeline.sortButton().click();
    await expect.poll(() => timeline.summary().textContent()).toBe('121 entries, in date order. Sort by date');
    const stored = await savedStory(page, 'A century of floods');
    expect(stored.timeline.map((entry) => Number(entry.date.label))).toEqual(Array.from({ length: 121 }, (_, index) => 1901 + index));
  });

  it('shows the timeline of a story in the trash without controls to change it', async () => {
    const { page, timeline } = await newStory('Old news');
    for (const label of ['2012', '2010']) await timeline.addEntry(label);
    await page.story.waitUntilSaved();
    await page.story.pane.getByRole('button', { name: 'Move to trash' }).click();
    await page.library.showTrash();
    await page.library.open('Old news');
    await timeline.entry(2).orderMarker().waitFor();
    expect(await timeline.entry(1).dateField().isDisabled()).toBe(true);
    expect(await timeline.summary().textContent()).toBe('1 entry is out of date order.');
    for (const name of ['Sort by date', 'Add entry', 'Move up', 'Move down', 'Delete']) {
      expect(await timeline.section.getByRole('button', { name: new RegExp(`^${name}`) }).count()).toBe(0);
    }
    expect(await timeline.entry(1).dragHandle().count()).toBe(0);
  });

  it('has no serious or critical accessibility problem, in light and in dark', async () => {
    const { timeline } = await newStory('Accessible timeline');
    await enterShuffled(timeline);
    await timeline.addButton().click();
    await timeline.entry(7).problem().waitFor();
    await timeline.entry(2).button('Delete').click();
    await timeline.notice().getByRole('button', { name: 'Undo' }).waitFor();
    expect(await timeline.accessibilityProblems()).toEqual([]);
  });
});
