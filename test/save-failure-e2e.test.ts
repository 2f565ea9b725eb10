// What the editor sees in the browser when the library cannot take a save: a library held to its
// page limit (a full disk, as SQLite reports it) refuses the autosave; the page says the disk is
// full and that the text is kept, the text stays in the field, and once there is room the save
// lands with exactly what was typed.
import { describe, expect, it } from 'vitest';
import { sampleStory } from './helpers/library';
import { workbenchSession } from './e2e/session';

const SAMPLE = sampleStory();
const session = workbenchSession();

describe('a save the library cannot take', { timeout: 90_000 }, () => {
  it('says the disk is full, keeps the typed text on screen, and saves it once there is room', async () => {
    const { store, service } = await session.library();
    const tab = await session.open();
    await tab.library.open(SAMPLE.title);

    // Not a page to spare: the limit cannot go below the pages in use.
    store.db.pragma('max_page_count = 1');
    const typed = 'Finance ministers return to the table after a week of silence. '.repeat(120).trim();
    await tab.story.setField('Dek', typed);
    const failed = tab.story.saveState().filter({ hasText: 'Not saved yet' });
    await failed.waitFor();
    expect(await failed.textContent()).toContain(`The disk holding the library is full (${store.path}). Free some space there. Your text is kept; trying again in`);
    expect(await tab.story.field('Dek').inputValue()).toBe(typed);
    expect((await service.getStory({ id: SAMPLE.id })).revision).toBe(1);

    // Room again: the editor need not do anything, but may ask for the try at once.
    store.db.pragma('max_page_count = 1073741823');
    await tab.story.saveState().getByRole('button', { name: 'Try again now' }).click();
    await tab.story.waitUntilSaved();
    expect(await service.getStory({ id: SAMPLE.id })).toMatchObject({ dek: typed, revision: 2 });
    expect(await tab.story.field('Dek').inputValue()).toBe(typed);
  });
});
