// The story editor's sections as an editor uses them in browser mode: writing with formatting,
// links and citations through the source picker, reordering by keyboard and by drag, undo and
// redo of every structural change, a conflict while typing, and an accessibility scan with the
// picker and the link dialog open. The library is checked after each autosave.
import { describe, expect, it } from 'vitest';
import type { Source, Story } from '../shared/model';
import { sampleStory } from './helpers/library';
import { chipsIn, SectionsEditor, SourcePicker } from './e2e/editor';
import { workbenchSession } from './e2e/session';

const SAMPLE = sampleStory();

const SOURCES: Source[] = [
  { id: 'yonhap', title: 'S. Korea, Poland hold first security dialogue', 'container-title': 'Yonhap', issued: '2026-02-02', URL: 'https://en.yna.co.kr/view/1', role: 'cited' },
  { id: 'herald', title: 'Korea, EU hold second strategic dialogue', 'container-title': 'The Korea Herald', issued: '2026-01-22', URL: 'https://www.koreaherald.com/2', role: 'cited' },
  { id: 'nato', title: 'Cyber ambassador meets NATO official', 'container-title': 'NATO', issued: '2026-01-15', URL: 'https://www.nato.int/3', role: 'cited' },
];

const session = workbenchSession();
const library = () => session.library();
const open = () => session.open();

/** A story with three titled sources and no text yet, stored before the tab opens. */
async function storyWithSources(): Promise<Story> {
  const { service } = await library();
  const created = await service.createStory({ title: 'Talks in Warsaw' });
  return service.saveStory({ story: { ...created, sources: SOURCES, citationOrder: 'newest-first' }, baseRevision: created.revision });
}

const stored = async (id: string) => (await library()).service.getStory({ id });

describe('the story editor: sections', { timeout: 90_000 }, () => {
  it('writes a section with bold, a checked link and citations through the picker', async () => {
    const story = await storyWithSources();
    const tab = await open();
    const { page } = tab;
    const sections = new SectionsEditor(page);
    const picker = new SourcePicker(page);
    await tab.library.open(story.title);

    await sections.button('Add section').click();
    await page.keyboard.type('Inaugural talks');
    await page.keyboard.press('Enter');
    const body = sections.body(1);
    await body.waitFor();
    await page.keyboard.type('Officials met in Warsaw [');
    // The picker lists every source, numbered (none is cited yet: by date, newest first).
    await picker.popup.waitFor();
    expect(await picker.optionTexts()).toEqual([
      '[1]S. Korea, Poland hold first security dialogueYonhap · 2026-02-02',
      '[2]Korea, EU hold second strategic dialogueThe Korea Herald · 2026-01-22',
      '[3]Cyber ambassador meets NATO officialNATO · 2026-01-15',
    ]);
    // Filtering by outlet, then Enter.
    await page.keyboard.type('herald');
    expect(await picker.options().count()).toBe(1);
    await page.keyboard.press('Enter');
    await picker.popup.waitFor({ state: 'detached' });
    expect(await chipsIn(body)).toEqual(['[1]']);
    // The chip names its source: under the cursor beside it, and on hover.
    const herald = 'Source 1: Korea, EU hold second strategic dialogue — The Korea Herald, 2026-01-22';
    expect(await page.getByRole('status').filter({ hasText: 'Backspace removes it' }).textContent()).toContain(herald);
    expect(await body.locator('.citation-chip').first().getAttribute('title')).toBe(herald);

    // By number, with the arrows: the Herald is cited, so the others number after it.
    await page.keyboard.type('. Both sides met again [');
    await page.keyboard.type('3');
    expect(await picker.optionTexts()).toEqual(['[3]Cyber ambassador meets NATO officialNATO · 2026-01-15']);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await picker.selected().textContent()).toContain('NATO');
    await page.keyboard.press('Enter');
    // Both are now cited; newest first, the Herald (22 Jan) is 1 and NATO (15 Jan) is 2.
    await expect.poll(() => chipsIn(body)).toEqual(['[1]', '[2]']);

    // Escape keeps the literal "[" and what followed it; Backspace removes it and then a chip.
    await page.keyboard.type('. See [nothing');
    expect(await picker.popup.textContent()).toContain('No source matches “nothing”');
    await page.keyboard.press('Escape');
    await picker.popup.waitFor({ state: 'detached' });
    expect(await body.textContent()).toContain('See [nothing');
    for (let count = 0; count < '. See [nothing'.length; count++) await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    expect(await chipsIn(body)).toEqual(['[1]']);

    // The cite shortcut with a word of the second sentence selected: the citation goes before its full stop.
    await page.keyboard.type('. They agreed to meet yearly.');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Control+Shift+K');
    await picker.popup.waitFor();
    await page.keyboard.type('yonhap');
    await page.keyboard.press('Enter');
    // Bold, then a link: an address that is not http(s) is refused, with the reason.
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+B');
    await page.keyboard.type('More');
    await page.keyboard.press('Control+B');
    await page.keyboard.type(' at ');
    await page.keyboard.press('Control+K');
    const linkDialog = tab.dialog('Add link');
    await linkDialog.getByLabel('Address').fill('javascript:alert(1)');
    await linkDialog.getByRole('button', { name: 'Apply' }).click();
    expect(await linkDialog.textContent()).toContain('A link must be an http:// or https:// address');
    await linkDialog.getByLabel('Address').fill('https://www.mofa.go.kr/');
    await linkDialog.getByRole('button', { name: 'Apply' }).click();
    await linkDialog.waitFor({ state: 'detached' });

    await tab.story.waitUntilSaved();
    const saved = await stored(story.id);
    expect(saved.sections).toEqual([
      {
        id: saved.sections[0]?.id,
        heading: 'Inaugural talks',
        body: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'Officials met in Warsaw' },
              { type: 'citation', sources: ['herald'] },
              { type: 'text', text: '. Both sides met again. They agreed to meet yearly' },
              { type: 'citation', sources: ['yonhap'] },
              { type: 'text', text: '. ' },
              { type: 'text', text: 'More', marks: [{ type: 'bold' }] },
              { type: 'text', text: ' at ' },
              { type: 'text', text: 'https://www.mofa.go.kr/', marks: [{ type: 'link', href: 'https://www.mofa.go.kr/' }] },
            ],
          },
        ],
      },
    ]);
    // The preview shows the same numbers as the chips.
    expect(await chipsIn(body)).toEqual(['[2]', '[1]']);
    await expect.poll(() => tab.story.preview().locator('.story-section p').first().textContent()).toContain('Officials met in Warsaw\u202f[2]. Both sides met again. They agreed to meet yearly\u202f[1]. More at https://www.mofa.go.kr/');
  });

  it('moves sections with Alt+arrows and by drag, keeping focus, and undoes and redoes each change', async () => {
    const tab = await open();
    const { page } = tab;
    const sections = new SectionsEditor(page);
    await tab.library.open(SAMPLE.title);
    const original = SAMPLE.sections.map((section) => section.heading);
    expect(await sections.headings()).toEqual(original);

    // Alt+↑ from the heading of section 2: it becomes section 1, and the cursor stays in it.
    await sections.heading(2).click();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => sections.headings()).toEqual([original[1], original[0], ...original.slice(2)]);
    expect((await sections.focused()).value).toBe(original[1]);
    // Alt+↓ from inside a section's text moves it too.
    await sections.body(3).click();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => sections.headings()).toEqual([original[1], original[0], original[3], original[2], original[4]]);
    expect((await sections.focused()).label).toBe('Section 4 text');

    // Dragged by its handle: section 3 above section 2.
    await sections.drag(3, 2);
    await expect.poll(() => sections.headings()).toEqual([original[1], original[3], original[0], original[2], original[4]]);

    // Added and deleted.
    await sections.button('Add section').click();
    await page.keyboard.type('A new section');
    await sections.region.getByRole('button', { name: 'Delete section 1', exact: true }).click();
    const afterEdits = [original[3], original[0], original[2], original[4], 'A new section'];
    await expect.poll(() => sections.headings()).toEqual(afterEdits);
    expect(await tab.notices().last().textContent()).toContain('Ctrl+Z brings it back');

    // Undo, one structural change at a time, back to the start; then redo it all.
    const steps = [
      [original[1], original[3], original[0], original[2], original[4], 'A new section'],
      [original[1], original[3], original[0], original[2], original[4], ''],
      [original[1], original[3], original[0], original[2], original[4]],
      [original[1], original[0], original[3], original[2], original[4]],
      [original[1], original[0], original[2], original[3], original[4]],
      original,
    ];
    await sections.heading(1).click();
    for (const expected of steps) {
      await page.keyboard.press('Control+Z');
      await expect.poll(() => sections.headings()).toEqual(expected);
    }
    // Back at the start, Undo has nothing left; the Redo button does what Ctrl+Shift+Z does.
    expect(await tab.story.pane.getByRole('button', { name: 'Undo', exact: true }).isDisabled()).toBe(true);
    await tab.story.pane.getByRole('button', { name: 'Redo', exact: true }).click();
    await expect.poll(() => sections.headings()).toEqual(steps.at(-2));
    await sections.heading(1).click();
    for (const expected of [...steps.slice(0, -2)].reverse()) {
      await page.keyboard.press('Control+Shift+Z');
      await expect.poll(() => sections.headings()).toEqual(expected);
    }
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => sections.headings()).toEqual(afterEdits);
    await tab.story.waitUntilSaved();
    expect((await stored(SAMPLE.id)).sections.map((section) => section.heading)).toEqual(afterEdits);
  });

  it('shows the conflict banner while the editor types in a section, and keeps the typing', async () => {
    const first = await open();
    const second = await open();
    await first.library.open(SAMPLE.title);
    await second.library.open(SAMPLE.title);
    const sections = new SectionsEditor(first.page);
    await first.page.context().setOffline(true);
    await sections.typeAtEndOf(2, ' Typed offline.');
    await first.story.saveState().filter({ hasText: 'Not saved yet' }).waitFor();
    await second.story.setField('Title', 'Seoul and Warsaw widen their security talks');
    await second.story.waitUntilSaved();
    await first.backOnlineToConflict();
    expect(await first.story.conflictBanner().textContent()).toContain('Seoul and Warsaw widen their security talks');
    expect(await sections.body(2).textContent()).toContain('Typed offline.');
    // Typing on while the banner shows changes nothing in the library.
    await sections.typeAtEndOf(2, ' More.');
    expect(await first.story.saveState().textContent()).toContain('Not saved: changed elsewhere');
    expect(JSON.stringify((await stored(SAMPLE.id)).sections)).not.toContain('Typed offline');
    await first.story.conflictBanner().getByRole('button', { name: 'Keep mine as a copy' }).click();
    await first.story.heading().filter({ hasText: '(copy)' }).waitFor();
    await expect.poll(() => sections.body(2).textContent()).toContain('Typed offline. More.');
  });

  it('passes an accessibility scan with the picker and the link dialog open', async () => {
    const story = await storyWithSources();
    const tab = await open();
    const sections = new SectionsEditor(tab.page);
    await tab.library.open(story.title);
    await sections.button('Add section').click();
    await tab.page.keyboard.type('Heading');
    await tab.page.keyboard.press('Enter');
    await tab.page.keyboard.type('Text [');
    await new SourcePicker(tab.page).popup.waitFor();
    expect(await tab.accessibilityProblems()).toEqual([]);
    await tab.page.keyboard.press('Escape');
    await tab.page.keyboard.press('Control+K');
    await tab.dialog('Add link').waitFor();
    expect(await tab.accessibilityProblems()).toEqual([]);
  });
});
