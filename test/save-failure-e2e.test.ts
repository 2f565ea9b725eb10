// What the editor sees in the browser when the library cannot take a save: a library held to its
// page limit (a full disk, as SQLite reports it) refuses the autosave; the page says the disk is
// full and that the text is kept, the text stays in the field, and once there is room the save
// lands with exactly what was typed. A library Storydesk may not write says so as soon as it opens.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibraryService } from '../electron/library';
import { createBrowserServer } from '../electron/server/http';
import { freshFolder, sampleStory } from './helpers/library';
import { mountReadOnly, whyNoBindMount } from './helpers/read-only-mount';
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

  const whyNoMount = whyNoBindMount();

  it.skipIf(whyNoMount)(`says at once that a library it may not write is read-only${whyNoMount ? ` (skipped: ${whyNoMount})` : ''}`, async () => {
    const folder = freshFolder('storydesk-readonly-page-');
    const file = path.join(folder, 'desk.storydesk');
    openLibraryService(file).store.close();
    const mount = mountReadOnly(folder);
    try {
      const { store, service } = openLibraryService(file);
      const server = await createBrowserServer({ service, staticRoot: path.resolve('dist/renderer'), log: () => undefined });
      const context = await session.browser().newContext();
      try {
        const page = await context.newPage();
        await page.goto(server.pageUrl);
        const bar = page.getByRole('toolbar', { name: 'Library commands' });
        await bar.getByText('Read-only', { exact: true }).waitFor();
        await page.getByText(`This library is open read-only: Storydesk may not write ${file} or its folder.`).waitFor();
        // Reading goes on as ever.
        await page.getByRole('heading', { name: SAMPLE.title }).or(page.getByText(SAMPLE.title)).first().waitFor();
      } finally {
        await context.close();
        await server.close();
        store.close();
      }
    } finally {
      mount.release();
    }
  });
});
