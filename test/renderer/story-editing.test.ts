// The story pane's editing state (renderer/story-state.ts) against the real service over a fresh
// library, in Node with fake timers, so that the cases a browser test can only hit by luck are
// played out exactly: typing while a save is on its way, a save that fails and is retried, a
// stale base revision, a field that cannot be saved, a draft kept across windows, the publish gate.
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandlers } from '../../shared/api';
import { StorydeskError } from '../../shared/errors';
import type { Story } from '../../shared/model';
import { emptySection, insertItem, moveItem, removeItem } from '../../shared/story-edits';
import { openLibraryService } from '../../electron/library';
import type { LibraryStore } from '../../electron/store/store';
import { freshFolder, freshLibraryPath, sampleStory } from '../helpers/library';
import { mountReadOnly, whyNoBindMount } from '../helpers/read-only-mount';

/** The page's localStorage, in memory. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

const storage = new MemoryStorage();
Object.assign(globalThis, {
  localStorage: storage,
  requestAnimationFrame: (callback: () => void) => setTimeout(callback, 16),
});

// Imported after the globals above exist.
const editor = await import('../../renderer/story-state');
const { setBackend } = await import('../../renderer/connection');
const { useNotices } = await import('../../renderer/notices');

const SAMPLE_ID = sampleStory().id;

interface Library {
  store: LibraryStore;
  service: ApiHandlers;
  /** While set, saves wait for it: a save "on its way". */
  hold: { until?: Promise<void> };
  /** While true, saves fail as a full disk would. */
  failing: { on: boolean };
  saves: number;
}

let library: Library;

function startLibrary(): Library {
  const { store, service } = openLibraryService(freshLibraryPath(), { author: 'Editor' });
  const state: Library = { store, service, hold: {}, failing: { on: false }, saves: 0 };
  const api: ApiHandlers = {
    ...service,
    saveStory: async (request) => {
      await state.hold.until;
      if (state.failing.on) throw new StorydeskError('library-unusable', 'the disk is full (simulated)');
      state.saves++;
      return service.saveStory(request);
    },
  };
  setBackend({ api, listen: () => () => undefined });
  return state;
}

const state = () => editor.useStoryEditor.getState();
const stored = (id = SAMPLE_ID): Promise<Story> => library.service.getStory({ id });
/** Lets the timers run (autosave, retries, the preview) and the answers arrive. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

beforeEach(async () => {
  storage.clear();
  useNotices.setState({ notices: [] });
  library = startLibrary();
  await editor.openStory(SAMPLE_ID);
  await pass(100);
});

afterEach(async () => {
  void editor.closeStory();
  await pass(5_000);
  library.store.close();
});

describe('editing a story', () => {
  it('saves once typing pauses, as one revision, and the review and page follow the draft', async () => {
    editor.editHeader('title', 'Seoul and');
    await pass(200);
    editor.editHeader('title', 'Seoul and Warsaw talk');
    expect(state().saveState).toBe('unsaved');
    await pass(200);
    expect(state().previewHtml).toContain('Seoul and Warsaw talk');
    expect(library.saves).toBe(0);
    await pass(editor.AUTOSAVE_DELAY_MS);
    expect(state().saveState).toBe('saved');
    expect(library.saves).toBe(1);
    expect((await stored()).title).toBe('Seoul and Warsaw talk');
    expect((await stored()).revision).toBe(2);
    expect(storage.length).toBe(0);
  });

  it('keeps what is typed while a save is on its way, and saves it next, on the new revision', async () => {
    let release = () => {};
    library.hold.until = new Promise((resolve) => (release = resolve));
    editor.editHeader('dek', 'First words.');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('saving');
    editor.editHeader('dek', 'First words. Then more.');
    release();
    library.hold.until = undefined;
    await pass(10);
    expect(state().base?.revision).toBe(2);
    expect(state().story?.dek).toBe('First words. Then more.');
    expect(state().saveState).toBe('unsaved');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('saved');
    expect(await stored()).toMatchObject({ dek: 'First words. Then more.', revision: 3 });
  });

  it('saves what was typed during a save even when the story is closed at once', async () => {
    let release = () => {};
    library.hold.until = new Promise((resolve) => (release = resolve));
    editor.editHeader('dek', 'A');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('saving');
    editor.editHeader('dek', 'A and B');
    void editor.closeStory();
    release();
    library.hold.until = undefined;
    await pass(editor.AUTOSAVE_DELAY_MS * 2);
    expect((await stored()).dek).toBe('A and B');
    expect(storage.length).toBe(0);
  });

  it('retries a failed save, says why, and keeps the text meanwhile', async () => {
    library.failing.on = true;
    editor.editHeader('feed', 'Asia-Pacific');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('failed');
    expect(state().saveError).toBe('Could not save: the disk is full (simulated). Your text is kept; trying again in 1 s.');
    await pass(1_000);
    expect(state().saveError).toContain('trying again in 3 s');
    library.failing.on = false;
    await pass(3_000);
    expect(state().saveState).toBe('saved');
    expect((await stored()).feed).toBe('Asia-Pacific');
  });

  it('does not save a field that breaks the rules, and saves once it is mended', async () => {
    editor.editHeader('slug', 'Not A Slug');
    await pass(editor.AUTOSAVE_DELAY_MS * 3);
    expect(state().saveState).toBe('invalid');
    expect(state().problems.slug).toMatch(/lowercase letters and digits/);
    expect(state().story?.slug).toBe('Not A Slug');
    expect(library.saves).toBe(0);
    editor.editHeader('slug', 'not-a-slug-now');
    expect(state().problems).toEqual({});
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect((await stored()).slug).toBe('not-a-slug-now');
  });

  it('meets a save from elsewhere as a conflict with its changes listed, and keeps mine as a copy', async () => {
    const theirs = await stored();
    await library.service.saveStory({ story: { ...theirs, feed: 'World' }, baseRevision: theirs.revision });
    editor.editHeader('dek', 'Mine.');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('conflict');
    expect(state().conflict?.changes).toEqual(['Feed: «Top Headlines» → «World»']);
    // Typing goes on into the draft while the banner decides; nothing is saved over theirs.
    editor.editHeader('dek', 'Mine, still.');
    await pass(editor.AUTOSAVE_DELAY_MS * 2);
    expect((await stored()).dek).toBeUndefined();

    const copyId = await editor.keepMineAsCopy();
    expect(copyId).toBeDefined();
    expect(await stored(copyId)).toMatchObject({ dek: 'Mine, still.', feed: 'Top Headlines', status: 'draft' });
    expect(await stored()).toMatchObject({ feed: 'World' });
    expect(state()).toMatchObject({ saveState: 'saved', conflict: null });
  });

  it('offers a draft that was never saved back when the story opens again, even in another window', async () => {
    library.failing.on = true;
    editor.editHeader('title', 'Typed before the window closed');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    void editor.closeStory();
    await pass(100);
    expect(useNotices.getState().notices.map((notice) => notice.message)).toContain(
      'Your changes to “Typed before the window closed” are not saved yet. They are kept in this window: open the story again to restore them.',
    );
    library.failing.on = false;

    await editor.openStory(SAMPLE_ID);
    expect(state().story?.title).toBe(sampleStory().title);
    expect(state().keptDraft?.story.title).toBe('Typed before the window closed');
    editor.restoreKeptDraft();
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect((await stored()).title).toBe('Typed before the window closed');
    expect(storage.length).toBe(0);
  });

  it('asks for a reason to publish over blockers, and publishes with one', async () => {
    expect(await editor.changeStatus('published')).toBe(false);
    expect(state().publishGate?.blockers).toHaveLength(18);
    expect((await stored()).status).toBe('draft');
    expect(await editor.changeStatus('published', 'Confirmed by phone.')).toBe(true);
    expect(state().publishGate).toBeNull();
    expect((await stored()).status).toBe('published');
    const [latest] = await library.service.listRevisions({ storyId: SAMPLE_ID });
    expect(latest?.overrideReason).toBe('Confirmed by phone.');
  });
});

describe('undo and redo', () => {
  const headings = () => state().story?.sections.map((section) => section.heading);

  it('undoes a run of typing in one field as one step, and a pause or another field starts a new one', async () => {
    const original = state().story?.title;
    editor.editHeader('title', 'S');
    await pass(100);
    editor.editHeader('title', 'Se');
    await pass(100);
    editor.editHeader('title', 'Seoul');
    editor.editHeader('dek', 'A dek.');
    expect(state().canUndo).toBe(true);
    editor.undo();
    expect(state().story?.dek).toBeUndefined();
    expect(state().story?.title).toBe('Seoul');
    editor.undo();
    expect(state().story?.title).toBe(original);
    expect(state().canUndo).toBe(false);
    editor.redo();
    expect(state().story?.title).toBe('Seoul');
    await pass(2_000);
    editor.editHeader('title', 'Seoul talks');
    editor.undo();
    expect(state().story?.title).toBe('Seoul');
  });

  it('undoes and redoes adding, moving and deleting sections, and saves what undo gives', async () => {
    const before = headings();
    editor.editStory((story) => insertItem(story, 'sections', { ...emptySection(story), heading: 'Added' }, 1));
    editor.editStory((story) => moveItem(story, 'sections', story.sections[1]!.id, 3));
    editor.editStory((story) => removeItem(story, 'sections', story.sections[0]!.id));
    expect(headings()?.[2]).toBe('Added');
    expect(headings()?.length).toBe(before!.length);
    editor.undo();
    expect(headings()?.[0]).toBe(before![0]);
    expect(headings()?.[3]).toBe('Added');
    editor.undo();
    expect(headings()?.[1]).toBe('Added');
    editor.undo();
    expect(headings()).toEqual(before);
    editor.redo();
    editor.redo();
    expect(headings()?.[3]).toBe('Added');
    // The last undo is what the library keeps, on the newest revision.
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('saved');
    expect((await stored()).sections.map((section) => section.heading)).toEqual(headings());
    // Undo reaches back past a save: the content goes back, the bookkeeping stays the library's.
    const revision = state().story?.revision;
    editor.undo();
    expect(headings()?.[1]).toBe('Added');
    expect(state().story?.revision).toBe(revision);
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect((await stored()).sections[1]?.heading).toBe('Added');
  });

  it('forgets the undo history when another version replaces the draft', async () => {
    editor.editHeader('title', 'Mine');
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().canUndo).toBe(true);
    await editor.closeStory();
    await editor.openStory(SAMPLE_ID);
    expect(state().canUndo).toBe(false);
    editor.undo();
    expect(state().story?.title).toBe('Mine');
  });
});

describe('a library that cannot take the save', () => {
  /** The kept drafts in this window's local storage, by story id. */
  const keptDrafts = () =>
    Array.from({ length: storage.length }, (_, index) => JSON.parse(storage.getItem(storage.key(index) ?? '') ?? 'null') as { story: Story });

  it('keeps the typed text when the library is full, says so, retries, and saves exactly that text once there is room', async () => {
    const { store } = library;
    // Not a page to spare: the limit cannot go below the pages in use.
    store.db.pragma('max_page_count = 1');
    expect(store.db.pragma('freelist_count', { simple: true })).toBe(0);
    const typed = 'Typed into a full library, every word of it kept. '.repeat(300);
    editor.editHeader('dek', typed);
    await pass(editor.AUTOSAVE_DELAY_MS + 10);
    expect(state().saveState).toBe('failed');
    expect(state().saveError).toBe(`The disk holding the library is full (${store.path}). Free some space there. Your text is kept; trying again in 1 s.`);
    expect(state().story?.dek).toBe(typed);

    // It keeps trying, waiting longer each time; the draft stays as typed, and is kept in the
    // window's storage too (a second after typing paused), should the window close.
    await pass(1_000);
    expect(keptDrafts().map((kept) => kept.story.dek)).toEqual([typed]);
    expect(state().saveError).toMatch(/full .*trying again in 3 s\.$/);
    await pass(3_000);
    expect(state().saveError).toMatch(/trying again in 10 s\.$/);
    expect(state().story?.dek).toBe(typed);
    expect((await stored()).revision).toBe(1);

    // Room again: the next try saves the typed text, as the next revision, and the kept copy goes.
    store.db.pragma('max_page_count = 1073741823');
    await pass(10_000);
    expect(state().saveState).toBe('saved');
    expect(await stored()).toMatchObject({ dek: typed, revision: 2 });
    expect(state().story?.dek).toBe(typed);
    expect(storage.length).toBe(0);
  });

  // A read-only bind mount makes the library read-only even for root (EROFS), in this process.
  const whyNoMount = whyNoBindMount();

  it.skipIf(whyNoMount)(`keeps the typed text when the library is read-only, says to check the permissions, and saves once it may${whyNoMount ? ` (skipped: ${whyNoMount})` : ''}`, async () => {
    const folder = freshFolder('storydesk-readonly-editor-');
    const file = path.join(folder, 'desk.storydesk');
    openLibraryService(file).store.close();
    const mount = mountReadOnly(folder);
    let readOnly: { store: LibraryStore; service: ApiHandlers } | undefined;
    try {
      readOnly = openLibraryService(file, { author: 'Editor' });
      expect(readOnly.store.readOnly).toBe(true);
      setBackend({ api: readOnly.service, listen: () => () => undefined });
      await editor.openStory(SAMPLE_ID);
      const typed = 'Typed into a library on a read-only disk.';
      editor.editHeader('title', typed);
      await pass(editor.AUTOSAVE_DELAY_MS + 10);
      expect(state().saveState).toBe('failed');
      expect(state().saveError).toBe(`The library cannot be written (${file}). Check that you may write its file and its folder. Your text is kept; trying again in 1 s.`);
      expect(state().story?.title).toBe(typed);
      await pass(1_000);
      expect(state().saveError).toMatch(/cannot be written .*trying again in 3 s\.$/);
      expect(keptDrafts().map((kept) => kept.story.title)).toEqual([typed]);
      expect((await readOnly.service.getStory({ id: SAMPLE_ID })).revision).toBe(1);

      // Writable again: the next try reconnects for writing and saves what was typed.
      mount.makeWritable();
      await pass(3_000);
      expect(state().saveState).toBe('saved');
      expect(await readOnly.service.getStory({ id: SAMPLE_ID })).toMatchObject({ title: typed, revision: 2 });
      expect(readOnly.store.readOnly).toBe(false);
    } finally {
      await editor.closeStory();
      readOnly?.store.close();
      mount.release();
    }
  });
});
