// The library's upkeep while the app runs: old revisions thinned by age (a story edited all day
// keeps a bounded history), and automatic online backups taken while saves go on, restored end
// to end through the command line after the library is damaged.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Story } from '../shared/model';
import { main } from '../electron/cli';
import { openLibraryService } from '../electron/library';
import { listBackups } from '../electron/store/backups';
import { startMaintenance } from '../electron/store/maintenance';
import { pruneRevisionHistory } from '../electron/store/revision-history';
import { DEFAULT_HISTORY_POLICY, describeHistoryPolicy, revisionsToPrune, type RevisionFacts } from '../shared/revision-history';
import { LibraryStore } from '../electron/store/store';
import { freshFolder, freshLibraryPath } from './helpers/library';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A settable clock. */
function clock(start: string) {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance(ms: number) {
      time += ms;
    },
  };
}

/** A story's dek with a marker, so each save is different and can be recognised. */
function edited(story: Story, marker: string): Story {
  return { ...story, dek: `Edit ${marker}` };
}

describe('thinning revision history', () => {
  /** One story saved every ten minutes from 08:00 to 18:00 on each of `days` days ending today. */
  function workingDays(days: number, end: Date): RevisionFacts[] {
    const revisions: RevisionFacts[] = [];
    const firstDay = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) - (days - 1) * DAY;
    for (let day = 0; day < days; day += 1) {
      for (let minute = 8 * 60; minute <= 18 * 60; minute += 10) {
        const savedAt = new Date(firstDay + day * DAY + minute * MINUTE);
        if (savedAt > end) continue;
        revisions.push({ storyId: 'story', revision: revisions.length + 1, savedAt: savedAt.toISOString(), status: 'draft', overrideReason: null, head: 0 });
      }
    }
    return revisions.map((revision) => ({ ...revision, head: revisions.length }));
  }

  it('keeps every revision of the last day, the last of each hour for a month, then the last of each day', () => {
    const now = new Date('2026-11-28T18:30:00.000Z');
    const revisions = workingDays(60, now);
    const pruned = new Set(revisionsToPrune(revisions, now).map((revision) => revision.revision));
    const kept = revisions.filter((revision) => !pruned.has(revision.revision));
    const age = (revision: RevisionFacts) => now.getTime() - Date.parse(revision.savedAt);

    expect(kept.filter((revision) => age(revision) < DAY)).toEqual(revisions.filter((revision) => age(revision) < DAY));
    const periodsOf = (list: RevisionFacts[], length: number) => list.map((revision) => revision.savedAt.slice(0, length));
    const hourly = kept.filter((revision) => age(revision) >= DAY && age(revision) < 30 * DAY);
    expect(new Set(periodsOf(hourly, 13)).size).toBe(hourly.length);
    const daily = kept.filter((revision) => age(revision) >= 30 * DAY);
    expect(new Set(periodsOf(daily, 10)).size).toBe(daily.length);
    // Each period kept its last state: the newest revision saved in that hour (or day).
    for (const revision of hourly) {
      const sameHour = revisions.filter((other) => other.savedAt.slice(0, 13) === revision.savedAt.slice(0, 13));
      expect(revision.revision).toBe(Math.max(...sameHour.map((other) => other.revision)));
    }
    expect(kept.length).toBeLessThan(revisions.length / 5);
  });

  it('never removes the current revision, a change of status or an override', () => {
    const now = new Date('2026-11-28T12:00:00.000Z');
    const at = (minutes: number) => new Date(Date.parse('2026-11-20T09:00:00.000Z') + minutes * MINUTE).toISOString();
    const base = { storyId: 'story', overrideReason: null, head: 5 };
    const revisions: RevisionFacts[] = [
      { ...base, revision: 1, savedAt: at(0), status: 'draft' },
      { ...base, revision: 2, savedAt: at(5), status: 'published', overrideReason: 'editor approved' },
      { ...base, revision: 3, savedAt: at(10), status: 'draft' },
      { ...base, revision: 4, savedAt: at(15), status: 'draft' },
      { ...base, revision: 5, savedAt: at(20), status: 'draft' },
    ];
    // 1 is the only one the hour lets go: 2 carries an override, 3 changed the status back, 5 is current.
    expect(revisionsToPrune(revisions, now).map((revision) => revision.revision)).toEqual([4, 1]);
    expect(describeHistoryPolicy(DEFAULT_HISTORY_POLICY)).toBe('every revision of the last day, then the last of each hour up to 30 days, then the last of each day');
  });

  it('bounds the history of a story saved every five minutes for three days, and keeps what it keeps readable', async () => {
    const time = clock('2026-11-25T09:00:00.000Z');
    const { store, service } = openLibraryService(freshLibraryPath(), { now: time.now, author: 'Editor' });
    try {
      let story = await service.getStory({ id: SAMPLE_ID });
      const saved = new Map<number, Story>();
      for (let step = 0; step < 3 * 24 * 12; step += 1) {
        time.advance(5 * MINUTE);
        story = await service.saveStory({ story: edited(story, String(step)), baseRevision: story.revision });
        saved.set(story.revision, story);
      }
      const before = await service.listRevisions({ storyId: SAMPLE_ID });
      const bytesBefore = before.reduce((sum, revision) => sum + revision.byteLength, 0);

      const result = pruneRevisionHistory(store.db, time.now());
      const after = await service.listRevisions({ storyId: SAMPLE_ID });
      expect(result.removed).toBe(before.length - after.length);
      expect(result.bytesFreed).toBe(bytesBefore - after.reduce((sum, revision) => sum + revision.byteLength, 0));
      // The last day whole (288 saves), the two days before it hour by hour, and revision 1 (the sample's import).
      const lastDay = after.filter((revision) => time.now().getTime() - Date.parse(revision.savedAt) < DAY);
      expect(lastDay).toHaveLength(24 * 12);
      expect(after.length).toBeLessThanOrEqual(24 * 12 + 2 * 24 + 2);
      expect(after.length).toBeGreaterThanOrEqual(24 * 12 + 2 * 24 - 2);
      // What is kept reads back exactly as saved; the current story is untouched.
      for (const revision of after.slice(0, 40).concat(after.slice(-40))) {
        const kept = await service.getRevision({ storyId: SAMPLE_ID, revision: revision.revision });
        if (revision.revision > 1) expect(kept.story).toEqual(saved.get(revision.revision));
      }
      expect(await service.getStory({ id: SAMPLE_ID })).toEqual(story);
      const gone = before.find((revision) => !after.some((other) => other.revision === revision.revision));
      await expect(service.getRevision({ storyId: SAMPLE_ID, revision: gone!.revision })).rejects.toMatchObject({ code: 'not-found' });
      // Saving goes on as before, and a second pass finds nothing more to thin.
      story = await service.saveStory({ story: edited(story, 'after'), baseRevision: story.revision });
      expect(pruneRevisionHistory(store.db, time.now()).removed).toBe(0);
      expect(store.checkIntegrity()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('automatic backups', () => {
  it('backs up a changed library once its newest backup is old enough, and an unchanged one never', async () => {
    const time = clock('2026-11-28T09:00:00.000Z');
    const { store, service } = openLibraryService(freshLibraryPath(), { now: time.now });
    const maintenance = startMaintenance(store, { now: time.now, backupEveryMs: 30 * MINUTE, checkEveryMs: HOUR, log: () => {} });
    try {
      // A new library has no backup yet: the first run makes one.
      expect((await maintenance.runDue()).backup).toBeDefined();
      time.advance(40 * MINUTE);
      expect((await maintenance.runDue()).backup, 'nothing changed').toBeUndefined();

      const story = await service.getStory({ id: SAMPLE_ID });
      await service.saveStory({ story: edited(story, 'one'), baseRevision: story.revision });
      time.advance(10 * MINUTE);
      expect((await maintenance.runDue()).backup, 'the newest backup is only 50 minutes old but nothing changed for 40 of them').toBeDefined();
      await service.trashStory({ id: SAMPLE_ID });
      time.advance(10 * MINUTE);
      expect((await maintenance.runDue()).backup, 'changed, but the newest backup is 10 minutes old').toBeUndefined();
      time.advance(20 * MINUTE);
      expect((await maintenance.runDue()).backup, 'a trash counts as a change').toBeDefined();
      expect(listBackups(store.path)).toHaveLength(3);
    } finally {
      await maintenance.stop();
      store.close();
    }
    // The next run of the app knows the newest backup holds the library as it is.
    const reopened = openLibraryService(store.path, { now: time.now });
    const again = startMaintenance(reopened.store, { now: time.now, checkEveryMs: HOUR, log: () => {} });
    try {
      time.advance(HOUR);
      expect((await again.runDue()).backup).toBeUndefined();
    } finally {
      await again.stop();
      reopened.store.close();
    }
  });

  it('keeps working when a backup cannot be written, and says why', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    // A file where the backup folder should be.
    fs.writeFileSync(path.join(path.dirname(store.path), 'library.backups'), 'not a folder');
    const logged: string[] = [];
    const maintenance = startMaintenance(store, { checkEveryMs: HOUR, log: (message) => logged.push(message) });
    try {
      const run = await maintenance.runDue();
      expect(run.backup).toBeUndefined();
      expect(run.failures).toEqual([expect.stringContaining('the automatic backup failed')]);
      expect(logged).toEqual(run.failures.map((failure) => `storydesk: ${failure}`));
      const story = await service.getStory({ id: SAMPLE_ID });
      expect((await service.saveStory({ story: edited(story, 'still saving'), baseRevision: story.revision })).revision).toBe(story.revision + 1);
    } finally {
      await maintenance.stop();
      store.close();
    }
  });

  it('lets the library close in the middle of a backup, leaving no file behind and nothing logged', async () => {
    const { store } = openLibraryService(freshLibraryPath());
    const logged: string[] = [];
    const maintenance = startMaintenance(store, { checkEveryMs: HOUR, log: (message) => logged.push(message) });
    const run = maintenance.runDue();
    void maintenance.stop();
    store.close();
    await run;
    const folder = path.join(path.dirname(store.path), 'library.backups');
    const left = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    expect(left.filter((name) => !/^library-[\dTZ-]+\.storydesk$/.test(name))).toEqual([]);
    for (const backup of listBackups(store.path)) LibraryStore.open(backup.path, { quickCheck: true }).close();
    expect(logged).toEqual([]);
  });

  it('runs on its timer while saves go on, and a damaged library is restored from the latest backup by the command line', async () => {
    const folder = freshFolder();
    const library = path.join(folder, 'desk.storydesk');
    const { store, service } = openLibraryService(library);
    const maintenance = startMaintenance(store, { backupEveryMs: 0, checkEveryMs: 20, log: () => {} });
    let story = await service.getStory({ id: SAMPLE_ID });
    const deadline = Date.now() + 20_000;
    // Autosave's pace, sped up: a save, then a moment for the timer, until three backups exist.
    while (listBackups(library).length < 3 && Date.now() < deadline) {
      story = await service.saveStory({ story: edited(story, String(story.revision)), baseRevision: story.revision });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await maintenance.stop();
    const backups = listBackups(library);
    expect(backups.length).toBeGreaterThanOrEqual(3);
    // Every backup taken while saving is a sound library holding a whole story.
    for (const backup of backups) {
      const copy = LibraryStore.open(backup.path, { quickCheck: true });
      try {
        expect(copy.checkIntegrity()).toEqual([]);
        expect(copy.getStory(SAMPLE_ID).dek).toMatch(/^Edit \d+$/);
      } finally {
        copy.close();
      }
    }
    const newest = LibraryStore.open(backups[0]!.path, { quickCheck: true });
    const inNewest = newest.getStory(SAMPLE_ID);
    newest.close();
    store.close();

    // Disaster: the library's pages are overwritten.
    const bytes = fs.readFileSync(library);
    bytes.fill(0x5a, 4096, Math.min(bytes.length, 4096 * 6));
    fs.writeFileSync(library, bytes);
    fs.rmSync(`${library}-wal`, { force: true });
    fs.rmSync(`${library}-shm`, { force: true });

    let stdout = '';
    let stderr = '';
    const code = await main(['restore-backup', '--latest', '--library', library], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { HOME: folder },
      isTerminal: false,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(backups[0]!.path);
    const restored = openLibraryService(library);
    try {
      expect(await restored.service.getStory({ id: SAMPLE_ID })).toEqual(inNewest);
      expect(restored.store.checkIntegrity()).toEqual([]);
    } finally {
      restored.store.close();
    }
    // The damaged file was moved aside, not deleted.
    expect(fs.readdirSync(folder).some((name) => name.includes('.damaged-'))).toBe(true);
  });
});
