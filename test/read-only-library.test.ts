// A library whose file or folder the editor may not write, and exports into a folder they may not
// write. The tests run as root, which ignores permissions, so each scenario runs in a child
// process as the user nobody (test/helpers/as-nobody.ts). A read-only library opens read-only:
// its stories can be read, searched and exported; a save fails with reason 'read-only' and says
// to check the permissions; nothing in the file changes; once the permissions are mended the
// next save lands without reopening.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibraryService } from '../electron/library';
import { LibraryStore } from '../electron/store/store';
import { giveToNobody, runAsNobody, whyNotAsNobody, type StepOutcome } from './helpers/as-nobody';
import { freshFolder, sampleStory } from './helpers/library';

const SAMPLE_ID = sampleStory().id;
const cannotRun = whyNotAsNobody();
const asNobody = (name: string) => (cannotRun ? `${name} (skipped: ${cannotRun})` : name);

/** A library with the sample story at revision 2, in its own folder, both given to nobody. */
async function nobodysLibrary(): Promise<{ folder: string; file: string }> {
  const folder = freshFolder('storydesk-readonly-');
  const file = path.join(folder, 'desk.storydesk');
  const { store, service } = openLibraryService(file, { author: 'Editor' });
  const story = await service.getStory({ id: SAMPLE_ID });
  await service.saveStory({ story: { ...story, dek: 'Saved before the library became read-only.' }, baseRevision: story.revision });
  store.close();
  giveToNobody(folder);
  return { folder, file };
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** What the library holds, read as root: the story, its history and whether SQLite finds it sound. */
function contents(file: string) {
  const store = LibraryStore.open(file);
  try {
    return {
      story: store.getStory(SAMPLE_ID),
      revisions: store.listRevisions(SAMPLE_ID).map((revision) => revision.revision),
      integrity: store.db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    store.close();
  }
}

function outcome(outcomes: StepOutcome[], index: number): StepOutcome {
  const found = outcomes[index];
  if (!found) throw new Error(`the child reported only ${outcomes.length} steps`);
  return found;
}

describe('a library the editor may not write', () => {
  it.skipIf(cannotRun)(asNobody('opens a read-only file read-only: reads and searches, refuses saves with a clear reason, and changes nothing'), async () => {
    const { folder, file } = await nobodysLibrary();
    fs.chmodSync(file, 0o444);
    const before = sha256(file);
    const outcomes = await runAsNobody([
      { do: 'open', file },
      { do: 'read', id: SAMPLE_ID },
      { do: 'search', query: 'Korea' },
      { do: 'save', id: SAMPLE_ID, dek: 'Typed while read-only.' },
      { do: 'close' },
    ]);
    expect(outcome(outcomes, 0)).toEqual({ step: 'open', ok: true, value: { readOnly: true } });
    expect(outcome(outcomes, 1).value).toMatchObject({ revision: 2, dek: 'Saved before the library became read-only.' });
    expect(outcome(outcomes, 2).value).toEqual([SAMPLE_ID]);
    const save = outcome(outcomes, 3);
    expect(save.ok).toBe(false);
    expect(save.error).toMatchObject({ name: 'LibraryUnusableError', code: 'library-unusable', reason: 'read-only' });
    expect(save.error?.message).toContain(file);
    expect(save.error?.message).toMatch(/may not write the file\. Nothing was saved.*Check the permissions/);
    expect(outcome(outcomes, 4).ok).toBe(true);
    // Not a byte changed, and nothing left beside it (a -shm file left by a reader would keep the
    // library read-only after its permissions are mended).
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(folder)).toEqual(['desk.storydesk']);
    fs.chmodSync(file, 0o644);
    expect(contents(file)).toMatchObject({ story: { revision: 2, dek: 'Saved before the library became read-only.' }, revisions: [2, 1], integrity: 'ok' });
  });

  it.skipIf(cannotRun)(asNobody('opens a library in a read-only folder read-only, and names the folder when a save is refused'), async () => {
    const { folder, file } = await nobodysLibrary();
    const before = sha256(file);
    fs.chmodSync(folder, 0o555);
    try {
      const outcomes = await runAsNobody([
        { do: 'open', file },
        { do: 'read', id: SAMPLE_ID },
        { do: 'save', id: SAMPLE_ID, dek: 'Typed while read-only.' },
        { do: 'close' },
      ]);
      expect(outcome(outcomes, 0)).toEqual({ step: 'open', ok: true, value: { readOnly: true } });
      expect(outcome(outcomes, 1).value).toMatchObject({ revision: 2 });
      expect(outcome(outcomes, 2).error).toMatchObject({ name: 'LibraryUnusableError', reason: 'read-only' });
      expect(outcome(outcomes, 2).error?.message).toContain(`may not write its folder ${folder}`);
      expect(fs.readdirSync(folder)).toEqual(['desk.storydesk']);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
    expect(sha256(file)).toBe(before);
    expect(contents(file)).toMatchObject({ story: { revision: 2 }, revisions: [2, 1], integrity: 'ok' });
  });

  it.skipIf(cannotRun)(asNobody('saves again, without reopening, once the permissions are mended'), async () => {
    const { file } = await nobodysLibrary();
    fs.chmodSync(file, 0o444);
    const outcomes = await runAsNobody(
      [
        { do: 'open', file },
        { do: 'save', id: SAMPLE_ID, dek: 'Kept by the editor while read-only.' },
        { do: 'wait' },
        { do: 'save', id: SAMPLE_ID, dek: 'Kept by the editor while read-only.' },
        { do: 'search', query: 'editor' },
        { do: 'close' },
      ],
      () => fs.chmodSync(file, 0o644),
    );
    expect(outcome(outcomes, 1).error?.reason).toBe('read-only');
    expect(outcome(outcomes, 3)).toMatchObject({ ok: true, value: { revision: 3, dek: 'Kept by the editor while read-only.' } });
    // The search index caught up with the save once the library could be written.
    expect(outcome(outcomes, 4).value).toEqual([SAMPLE_ID]);
    expect(contents(file)).toMatchObject({ story: { revision: 3, dek: 'Kept by the editor while read-only.' }, revisions: [3, 2, 1], integrity: 'ok' });
  });

  it.skipIf(cannotRun)(asNobody('keeps saving a library made read-only while open, and opens it read-only the next time'), async () => {
    // Permissions are checked when a file is opened: the open library keeps its write access
    // (on Linux and macOS alike), so the session goes on and its last saves are not lost.
    const { folder, file } = await nobodysLibrary();
    try {
      const outcomes = await runAsNobody(
        [
          { do: 'open', file },
          { do: 'save', id: SAMPLE_ID, dek: 'Before the change of permissions.' },
          { do: 'wait' },
          { do: 'save', id: SAMPLE_ID, dek: 'After the change of permissions.' },
          { do: 'close' },
          { do: 'open', file },
          { do: 'read', id: SAMPLE_ID },
          { do: 'save', id: SAMPLE_ID, dek: 'Refused.' },
          { do: 'close' },
        ],
        () => {
          fs.chmodSync(file, 0o444);
          fs.chmodSync(folder, 0o555);
        },
      );
      expect(outcomes.slice(0, 5).map((step) => step.ok)).toEqual([true, true, true, true, true]);
      expect(outcome(outcomes, 3).value).toMatchObject({ revision: 4 });
      expect(outcome(outcomes, 5).value).toEqual({ readOnly: true });
      expect(outcome(outcomes, 6).value).toMatchObject({ revision: 4, dek: 'After the change of permissions.' });
      expect(outcome(outcomes, 7).error?.reason).toBe('read-only');
      expect(outcome(outcomes, 8).ok).toBe(true);
    } finally {
      fs.chmodSync(folder, 0o755);
      fs.chmodSync(file, 0o644);
    }
    expect(contents(file)).toMatchObject({ story: { revision: 4, dek: 'After the change of permissions.' }, revisions: [4, 3, 2, 1], integrity: 'ok' });
  });

  it.skipIf(cannotRun)(asNobody('lists, shows and verifies a read-only library from the command line, and calls it sound'), async () => {
    const { folder, file } = await nobodysLibrary();
    fs.chmodSync(folder, 0o555);
    try {
      const outcomes = await runAsNobody([
        { do: 'cli', argv: ['verify', '--library', file] },
        { do: 'cli', argv: ['show', SAMPLE_ID, '--library', file] },
        { do: 'cli', argv: ['status', SAMPLE_ID, 'review', '--library', file] },
      ]);
      expect(outcome(outcomes, 0).value).toEqual({ code: 0, stdout: `${file}: no damage found.\n`, stderr: '' });
      expect(outcome(outcomes, 1).value).toMatchObject({ code: 0, stdout: expect.stringContaining('Inaugural Security Talks Held in Warsaw') });
      expect(outcome(outcomes, 2).value).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^storydesk: the library .* is open read-only: Storydesk may not write its folder .*Check the permissions/) });
      expect(fs.readdirSync(folder)).toEqual(['desk.storydesk']);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
  });

  it.skipIf(cannotRun)(asNobody('reads the saves still in the WAL of a library left open, and says what to do when they cannot be read'), async () => {
    // The files an app that stopped leaves: the library, its WAL holding the last save, its -shm.
    const source = path.join(freshFolder(), 'desk.storydesk');
    const { store, service } = openLibraryService(source, { author: 'Editor' });
    const story = await service.getStory({ id: SAMPLE_ID });
    await service.saveStory({ story: { ...story, dek: 'Only in the WAL.' }, baseRevision: story.revision });
    expect(fs.statSync(`${source}-wal`).size).toBeGreaterThan(0);
    const folder = freshFolder('storydesk-readonly-');
    const file = path.join(folder, 'desk.storydesk');
    for (const suffix of ['', '-wal', '-shm']) fs.copyFileSync(`${source}${suffix}`, `${file}${suffix}`);
    store.close();
    giveToNobody(folder);
    fs.chmodSync(folder, 0o555);
    try {
      const outcomes = await runAsNobody([{ do: 'open', file }, { do: 'read', id: SAMPLE_ID }, { do: 'close' }]);
      expect(outcome(outcomes, 0).value).toEqual({ readOnly: true });
      expect(outcome(outcomes, 1).value).toMatchObject({ revision: 2, dek: 'Only in the WAL.' });

      // Without its -shm, which nothing may create here, the WAL cannot be read: refused, and said why.
      fs.rmSync(`${file}-shm`);
      const [open] = await runAsNobody([{ do: 'open', file }]);
      expect(open?.error).toMatchObject({ name: 'LibraryUnusableError', reason: 'read-only' });
      expect(open?.error?.message).toContain('it holds changes not yet written into it (in desk.storydesk-wal), which SQLite can read only with the desk.storydesk-shm file beside it');
      expect(open?.error?.message).toContain(`Storydesk may not write its folder ${folder}. Make them writable`);
      expect(fs.readdirSync(folder).sort()).toEqual(['desk.storydesk', 'desk.storydesk-wal']);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
    expect(contents(file)).toMatchObject({ story: { revision: 2, dek: 'Only in the WAL.' }, revisions: [2, 1], integrity: 'ok' });
  });

  it.skipIf(cannotRun)(asNobody('refuses to create a library in a folder it may not write, and says so'), async () => {
    const folder = freshFolder('storydesk-readonly-');
    giveToNobody(folder);
    fs.chmodSync(folder, 0o555);
    try {
      const [open] = await runAsNobody([{ do: 'open', file: path.join(folder, 'new.storydesk') }]);
      expect(open?.error).toMatchObject({ name: 'LibraryUnusableError', reason: 'read-only' });
      expect(open?.error?.message).toContain(path.join(folder, 'new.storydesk'));
      expect(open?.error?.message).toMatch(/permissions/);
      expect(fs.readdirSync(folder)).toEqual([]);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
  });
});

describe('an export into a folder the editor may not write', () => {
  it.skipIf(cannotRun)(asNobody('fails with the destination named, exit 1, no partial file, and the file that was there unchanged'), async () => {
    const { folder: libraryFolder, file } = await nobodysLibrary();
    const out = freshFolder('storydesk-readonly-out-');
    const existing = path.join(out, 'story.html');
    fs.writeFileSync(existing, 'an older export');
    giveToNobody(out);
    fs.chmodSync(out, 0o555);
    const cases = [
      { argv: ['export', SAMPLE_ID, '--format', 'html', '--out', existing], destination: existing },
      { argv: ['export', SAMPLE_ID, '--format', 'bundle', '--out', out], destination: path.join(out, `${sampleStory().slug}.storybundle`) },
      { argv: ['export', '--all', '--format', 'bundle', '--out', path.join(out, 'library.storybundle')], destination: path.join(out, 'library.storybundle') },
      { argv: ['export', '--all', '--format', 'site', '--out', path.join(out, 'site')], destination: path.join(out, 'site') },
    ];
    try {
      const outcomes = await runAsNobody(cases.map(({ argv }) => ({ do: 'cli' as const, argv: [...argv, '--library', file] })));
      for (const [index, { argv, destination }] of cases.entries()) {
        const run = outcome(outcomes, index).value as { code: number; stdout: string; stderr: string };
        expect(run.code, argv.join(' ')).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(
          `storydesk: could not write ${destination}: permission denied. Nothing was written; choose a folder you may write to, or check the permissions of this one\n`,
        );
      }
      expect(fs.readdirSync(out)).toEqual(['story.html']);
      expect(fs.readFileSync(existing, 'utf8')).toBe('an older export');
    } finally {
      fs.chmodSync(out, 0o755);
    }
    // The library the export read from is as it was.
    expect(fs.readdirSync(libraryFolder)).toEqual(['desk.storydesk']);
  });

  it.skipIf(cannotRun)(asNobody('exports from a read-only library: reading is all an export needs'), async () => {
    const { folder, file } = await nobodysLibrary();
    fs.chmodSync(folder, 0o555);
    const out = freshFolder('storydesk-readonly-out-');
    giveToNobody(out);
    try {
      const [run] = await runAsNobody([{ do: 'cli', argv: ['export', SAMPLE_ID, '--format', 'html', '--out', path.join(out, 'story.html'), '--library', file] }]);
      expect(run?.value).toMatchObject({ code: 0, stderr: '' });
      expect(fs.readFileSync(path.join(out, 'story.html'), 'utf8')).toContain('Saved before the library became read-only.');
      expect(fs.readdirSync(folder)).toEqual(['desk.storydesk']);
    } finally {
      fs.chmodSync(folder, 0o755);
    }
  });
});
