/**
 * Backups: a backup is a sound, self-contained copy; restoring one brings its content back and
 * keeps the library it replaced; the retention policy keeps recent and periodic copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary, openLibraryService } from '../electron/library';
import { backupFolder, backupLibrary, backupsToRemove, listBackups, restoreBackup, type BackupFile } from '../electron/store/backups';
import { inspectLibraryFile } from '../electron/store/library-file';
import { freshLibraryPath } from './helpers/library';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

describe('backups', () => {
  it('writes a self-contained, sound copy beside the library', async () => {
    const file = freshLibraryPath();
    const { store, service } = openLibraryService(file);
    const result = await service.backupLibrary({});
    expect(path.dirname(result.path)).toBe(backupFolder(file));
    expect(path.basename(result.path)).toMatch(/^library-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.storydesk$/);
    expect(fs.readdirSync(backupFolder(file))).toEqual([path.basename(result.path)]);
    expect(inspectLibraryFile(result.path, { quickCheck: true })).toMatchObject({ kind: 'library' });
    expect(await service.listBackups({})).toEqual([{ path: result.path, createdAt: expect.any(String), byteLength: result.byteLength }]);
    store.close();

    const copy = openLibrary(result.path);
    expect(copy.getStory(SAMPLE_ID).title).toMatch(/^South Korea and Poland/);
    copy.close();
  });

  it('round-trips: back up, change, restore — the content is the backup’s and the replaced library is kept', async () => {
    const file = freshLibraryPath();
    let { store, service } = openLibraryService(file);
    const backup = await service.backupLibrary({});
    const created = await service.createStory({ title: 'Written after the backup' });
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: { ...story, title: 'Changed after the backup' }, baseRevision: 1 });
    store.close();

    const result = await restoreBackup(file, backup.path, new Date('2026-11-28T12:00:00.000Z'));
    expect(result.previous).toBeDefined();

    ({ store, service } = openLibraryService(file));
    expect((await service.listStories({})).map((summary) => summary.id)).toEqual([SAMPLE_ID]);
    expect((await service.getStory({ id: SAMPLE_ID })).title).toMatch(/^South Korea and Poland/);
    expect(await service.searchStories({ query: 'Written after' })).toEqual([]);
    store.close();

    const previous = openLibrary(result.previous as string);
    expect(previous.getStory(created.id).title).toBe('Written after the backup');
    previous.close();
  });

  it('restores over a damaged library, moving the damaged file aside', async () => {
    const file = freshLibraryPath();
    const { store, service } = openLibraryService(file);
    const backup = await service.backupLibrary({});
    store.close();
    fs.writeFileSync(file, 'this is no longer a database');

    const result = await restoreBackup(file, backup.path);
    expect(fs.readFileSync(result.previous as string, 'utf8')).toBe('this is no longer a database');
    const restored = openLibrary(file);
    expect(restored.listStories()).toHaveLength(1);
    restored.close();
  });

  it('refuses to restore from a file that is not a sound library, changing nothing', async () => {
    const file = freshLibraryPath();
    openLibrary(file).close();
    const before = fs.readFileSync(file);
    const bogus = path.join(path.dirname(file), 'bogus.storydesk');
    fs.writeFileSync(bogus, 'not a backup');
    await expect(restoreBackup(file, bogus)).rejects.toThrow(/not a Storydesk library/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(backupFolder(file))).toBe(false);
  });

  it('prunes old backups by the policy after each new one', async () => {
    const file = freshLibraryPath();
    const store = openLibrary(file);
    for (let day = 1; day <= 5; day += 1) {
      await backupLibrary(store, { now: new Date(`2026-11-0${day}T09:00:00.000Z`), policy: { keepLast: 2, keepDaily: 3, keepWeekly: 0 } });
    }
    const kept = listBackups(file).map((backup) => backup.createdAt.toISOString().slice(0, 10));
    expect(kept).toEqual(['2026-11-05', '2026-11-04', '2026-11-03']);
    store.close();
  });
});

describe('the retention policy', () => {
  const at = (iso: string): BackupFile => ({ path: `/b/${iso}`, createdAt: new Date(iso), byteLength: 1 });

  it('keeps the newest few, then one a day, then one a week', () => {
    const backups = [
      at('2026-11-28T10:00:00Z'),
      at('2026-11-28T09:00:00Z'),
      at('2026-11-28T08:00:00Z'),
      at('2026-11-27T18:00:00Z'),
      at('2026-11-27T08:00:00Z'),
      at('2026-11-20T08:00:00Z'),
      at('2026-11-19T08:00:00Z'),
      at('2026-10-01T08:00:00Z'),
    ];
    const removed = backupsToRemove(backups, { keepLast: 2, keepDaily: 2, keepWeekly: 3 }).map((backup) => backup.path);
    // Kept: the two newest; the newest of 28 and of 27 Nov; the newest of each of the three most
    // recent weeks that have backups (23–29 Nov, 16–22 Nov, and the week of 1 Oct).
    expect(removed).toEqual(['/b/2026-11-28T08:00:00Z', '/b/2026-11-27T08:00:00Z', '/b/2026-11-19T08:00:00Z']);
  });

  it('never removes anything when there are fewer backups than the policy keeps', () => {
    expect(backupsToRemove([at('2026-11-28T10:00:00Z')])).toEqual([]);
  });
});
