/**
 * The story on screen and its editing: the draft the editor changes, the saved version it is
 * based on, autosave, conflicts with other windows or tabs, the publish gate, the hero image and
 * the revision history.
 *
 * Edits change the draft at once; the coverage review and the finished page are computed here
 * from the draft (the same shared/ functions the back end uses), so they follow the typing. The
 * draft is saved after a pause in typing, against the revision it was based on: a save based on
 * a stale revision is refused by the back end, and then the conflict banner shows the other
 * version's changes and lets the editor reload it or keep their own as a copy. Until a draft is
 * saved it is also kept in this window's local storage, so closing the tab or a failed save
 * loses nothing: reopening the story offers the kept draft back.
 */
import { create } from 'zustand';
import { MAX_ASSET_BYTES, type RevisionSummary } from '../shared/api';
import { encodeBase64 } from '../shared/base64';
import type { CoverageReport, CoverageRulesPatch } from '../shared/coverage-schema';
import { PublishBlockedError, StorydeskError, type BlockerSummary } from '../shared/errors';
import { IMAGE_MEDIA_TYPES, type AssetRef, type HeroImage, type ImageMediaType, type Story, type StoryStatus } from '../shared/model';
import { describeStoryChanges } from '../shared/story-changes';
import { api, currentLibrary } from './connection';
import { draftPatch, pageOf, problemsOf, reviewOf, type DeriveAnswer, type DeriveRequest } from './derive';
import { formatBytes } from './format';
import { asSentence, attempt, describeError, notify } from './notices';

/** How long typing must pause before the draft is saved. */
export const AUTOSAVE_DELAY_MS = 700;
/** How long typing must pause before the coverage review follows it. */
export const REVIEW_DELAY_MS = 30;
/**
 * How long typing must pause before the preview page is made and the draft is checked against
 * the model (both take tens of milliseconds on a huge story, too long to run on every key).
 */
const PREVIEW_DELAY_MS = 150;
/** Edits of the same text within this long of each other are undone together. */
const UNDO_COALESCE_MS = 1_500;
/** Undo steps kept per story. */
const UNDO_STEPS_KEPT = 300;
/** Waits before saving again after a failed save: it is retried until it succeeds. */
const RETRY_DELAYS_MS = [1_000, 3_000, 10_000, 30_000];

export type SaveState =
  /** The draft is the saved version. */
  | 'saved'
  /** Edited; the save waits for a pause in typing. */
  | 'unsaved'
  | 'saving'
  /** The draft cannot be saved as it is (e.g. a malformed slug): `problems` say where. */
  | 'invalid'
  /** The last save failed; it is retried, and `saveError` says why. */
  | 'failed'
  /** Another window or tab saved the story first: the conflict banner decides. */
  | 'conflict';

export interface Conflict {
  /** The version the library holds now. */
  theirs: Story;
  /** What the other version changed, relative to the version this draft is based on. */
  changes: string[];
}

export interface PublishGate {
  blockers: BlockerSummary[];
}

export interface RevisionView {
  revision: RevisionSummary;
  story: Story;
  previewHtml: string;
}

interface StoryEditorState {
  /** The draft on screen (what the editor typed); null when no story is open. */
  story: Story | null;
  /** The version the draft is based on: the last one loaded or saved. */
  base: Story | null;
  report: CoverageReport | null;
  /** The finished page for the draft, shown in a sandboxed frame. */
  previewHtml: string | null;
  loading: boolean;
  saveState: SaveState;
  saveError: string | null;
  /** Field problems that keep the draft from being saved, by path ("slug", "hero.sourceUrl"). */
  problems: Record<string, string>;
  conflict: Conflict | null;
  /** Set while the publish gate asks for an override reason. */
  publishGate: PublishGate | null;
  /** The open story's revisions, newest first, once the history has been shown. */
  revisions: RevisionSummary[] | null;
  /** An earlier revision shown read-only. */
  viewing: RevisionView | null;
  /** A draft kept from an earlier visit that was never saved, offered back on opening. */
  keptDraft: { story: Story; baseRevision: number; keptAt: string } | null;
  canUndo: boolean;
  canRedo: boolean;
}

const EMPTY: StoryEditorState = {
  story: null,
  base: null,
  report: null,
  previewHtml: null,
  loading: false,
  saveState: 'saved',
  saveError: null,
  problems: {},
  conflict: null,
  publishGate: null,
  revisions: null,
  viewing: null,
  keptDraft: null,
  canUndo: false,
  canRedo: false,
};

export const useStoryEditor = create<StoryEditorState>(() => EMPTY);

const get = () => useStoryEditor.getState();
const set = (patch: Partial<StoryEditorState>) => useStoryEditor.setState(patch);

// ---------------------------------------------------------------------------------------------
// What the preview and the review need besides the story: the library's rules and hero bytes.

let libraryRules: CoverageRulesPatch | null = null;

/**
 * Hero images by SHA-256, as base64 (how the API carries them) and as a data: URL for the <img>,
 * each made once. The most recently used few are kept.
 */
const heroImages = new Map<string, { base64: string; dataUrl: string }>();
const HERO_IMAGES_KEPT = 8;

function keepHeroImage(asset: AssetRef, base64: string): void {
  heroImages.delete(asset.sha256);
  heroImages.set(asset.sha256, { base64, dataUrl: `data:${asset.mediaType};base64,${base64}` });
  for (const sha256 of heroImages.keys()) {
    if (heroImages.size <= HERO_IMAGES_KEPT) break;
    if (sha256 !== get().story?.hero?.asset.sha256) heroImages.delete(sha256);
  }
}

async function loadLibraryRules(): Promise<CoverageRulesPatch> {
  if (libraryRules === null) libraryRules = (await api().getCoverageRules({})).library;
  return libraryRules;
}

async function loadHeroImage(asset: AssetRef | undefined): Promise<void> {
  if (!asset || heroImages.has(asset.sha256)) return;
  const { data } = await api().getAsset({ sha256: asset.sha256 });
  keepHeroImage(asset, data);
}

/** The finished page for `story`, as the HTML export makes it. */
export function pageFor(story: Story): string {
  return pageOf(story, story.hero ? heroImages.get(story.hero.asset.sha256)?.base64 : undefined);
}

let reviewTimer: ReturnType<typeof setTimeout> | undefined;
let previewTimer: ReturnType<typeof setTimeout> | undefined;

// In a page, a worker reviews and renders the draft (derive-worker.ts), one request at a time:
// edits made meanwhile wait for the answer and then go as one request. Where there is no worker
// (the state tests, in Node) the same functions run here, after the same pauses.

/** The worker; undefined where there is none or it failed; null until first needed. */
let worker: Worker | undefined | null = null;
let deriveSeq = 0;
/** The draft the request in flight was made from. */
let deriving: Story | undefined;
let deriveAgain = false;
/** The hero image the worker was last sent, so each crosses once. */
let heroSent: string | undefined;
/** The draft the worker holds: the next request sends what changed from it. */
let draftSent: Story | undefined;
/**
 * While keys follow each other, a new page waits this long after the last one: laying a huge
 * page into the preview costs the browser tens of milliseconds that typing needs more. The
 * review does not wait (the coverage panel follows the typing).
 */
const PREVIEW_QUIET_MS = 400;
let lastEditAt = 0;
let heldPage: { html: string; timer: ReturnType<typeof setTimeout> } | undefined;

function showPageWhenQuiet(html: string): void {
  if (heldPage) clearTimeout(heldPage.timer);
  heldPage = undefined;
  const wait = lastEditAt + PREVIEW_QUIET_MS - Date.now();
  if (wait <= 0) {
    set({ previewHtml: html });
    return;
  }
  heldPage = { html, timer: setTimeout(() => showPageWhenQuiet(html), wait) };
}

function deriveWorker(): Worker | undefined {
  if (worker !== null) return worker;
  if (typeof Worker === 'undefined') return (worker = undefined);
  const made = new Worker(new URL('./derive-worker.ts', import.meta.url), { type: 'module', name: 'Storydesk review' });
  made.addEventListener('message', (event: MessageEvent<DeriveAnswer>) => onDerived(event.data));
  made.addEventListener('error', (event) => {
    // Without the worker the page still works, computing here.
    console.warn('The review worker failed; reviewing in the page instead:', event.message);
    made.terminate();
    worker = undefined;
    deriving = undefined;
    draftSent = undefined;
    refreshDerived(true);
  });
  return (worker = made);
}

function postDerive(): void {
  const { story } = get();
  const target = deriveWorker();
  if (!story || !target) return;
  if (deriving) {
    deriveAgain = true;
    return;
  }
  deriving = story;
  const sha256 = story.hero?.asset.sha256;
  const base64 = sha256 !== undefined && sha256 !== heroSent ? heroImages.get(sha256)?.base64 : undefined;
  if (base64 !== undefined) heroSent = sha256;
  const request: DeriveRequest = { seq: ++deriveSeq, draft: draftPatch(story, draftSent), libraryRules: libraryRules ?? {}, ...(base64 !== undefined && sha256 ? { hero: { sha256, base64 } } : {}) };
  draftSent = story;
  target.postMessage(request);
}

function onDerived(answer: DeriveAnswer): void {
  if (answer.seq !== deriveSeq || !deriving) return;
  const from = deriving;
  const current = get().story;
  const stillOpen = current !== null && current.id === from.id;
  if (answer.kind === 'review') {
    if (stillOpen) set({ report: answer.report });
    return;
  }
  deriving = undefined;
  if (answer.kind === 'failed') {
    console.warn('The review could not follow this edit:', answer.message);
    // The worker may not hold what it was sent: the next request sends the whole draft.
    draftSent = undefined;
  }
  else if (stillOpen) {
    if (answer.previewHtml !== null) showPageWhenQuiet(answer.previewHtml);
    // Problems speak for the draft they were found in; a newer draft gets its own.
    if (current === from) applyProblems(answer.problems);
  }
  if (deriveAgain || (stillOpen && current !== from)) {
    deriveAgain = false;
    postDerive();
  }
}

/**
 * Brings the review, the preview and the field problems up to date with the draft: at once, or
 * (while typing) after a short pause. In place, the page and the model check wait longer than the
 * review: they take longer and are looked at less.
 */
function refreshDerived(immediately = false): void {
  clearTimeout(reviewTimer);
  clearTimeout(previewTimer);
  if (deriveWorker()) {
    if (immediately) postDerive();
    else reviewTimer = setTimeout(postDerive, REVIEW_DELAY_MS);
    return;
  }
  const review = () => {
    const { story } = get();
    if (story) set({ report: reviewOf(story, libraryRules ?? {}) });
  };
  const page = () => {
    const { story } = get();
    if (!story) return;
    checkDraft();
    try {
      set({ previewHtml: pageFor(story) });
    } catch (error) {
      // A draft the page cannot be made from yet (say, a half-typed link) keeps the last page.
      console.warn('The preview could not follow this edit:', error);
    }
  };
  if (immediately) {
    review();
    page();
  } else {
    reviewTimer = setTimeout(review, REVIEW_DELAY_MS);
    previewTimer = setTimeout(page, PREVIEW_DELAY_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// Drafts kept in local storage until they are saved.

/** Drafts are kept per library: two libraries can hold stories of the same id (the sample). */
let draftPrefix = 'storydesk-draft:';

async function loadDraftPrefix(): Promise<void> {
  draftPrefix = `storydesk-draft:${(await currentLibrary()).id}:`;
}

function keepDraft(story: Story, baseRevision: number): void {
  if (pendingKeep?.story.id === story.id) cancelPendingKeep();
  try {
    localStorage.setItem(draftPrefix + story.id, JSON.stringify({ story, baseRevision, keptAt: new Date().toISOString() }));
  } catch {
    // Storage full or refused: the save itself still runs and reports.
  }
}

/**
 * Typing keeps the draft once it pauses, not on every keystroke: a huge story's JSON takes tens
 * of milliseconds to write, and the page also keeps it at once when it goes away (or saves it).
 */
const KEEP_DELAY_MS = 1_000;
let pendingKeep: { story: Story; baseRevision: number } | undefined;
let keepTimer: ReturnType<typeof setTimeout> | undefined;

function keepDraftSoon(story: Story, baseRevision: number): void {
  pendingKeep = { story, baseRevision };
  clearTimeout(keepTimer);
  keepTimer = setTimeout(keepPendingDraft, KEEP_DELAY_MS);
}

function cancelPendingKeep(): void {
  clearTimeout(keepTimer);
  pendingKeep = undefined;
}

/** Writes the draft that waits to be kept, now: before a save, and when the page goes away. */
export function keepPendingDraft(): void {
  const pending = pendingKeep;
  if (pending) keepDraft(pending.story, pending.baseRevision);
}

function forgetDraft(id: string): void {
  if (pendingKeep?.story.id === id) cancelPendingKeep();
  try {
    localStorage.removeItem(draftPrefix + id);
  } catch {
    // Nothing to forget.
  }
}

/** Forgets the kept draft of a story no longer on screen if it is what was just saved. */
function forgetDraftIfSaved(sent: Story): void {
  const kept = readKeptDraft(sent.id);
  if (kept && JSON.stringify(kept.story) === JSON.stringify(sent)) forgetDraft(sent.id);
}

function readKeptDraft(id: string): StoryEditorState['keptDraft'] {
  try {
    const text = localStorage.getItem(draftPrefix + id);
    if (!text) return null;
    const kept = JSON.parse(text) as { story: unknown; baseRevision: unknown; keptAt: unknown };
    if (typeof kept.baseRevision !== 'number' || typeof kept.keptAt !== 'string' || typeof kept.story !== 'object' || kept.story === null) return null;
    return { story: kept.story as Story, baseRevision: kept.baseRevision, keptAt: kept.keptAt };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Opening and closing.

let openId: string | null = null;
let openRequest = 0;

export function openStoryId(): string | null {
  return openId;
}

/** Saves what is pending for the open story before another one is shown (see `flushSave`). */
export async function openStory(id: string): Promise<void> {
  if (openId !== null && openId !== id) await leaveStory();
  openId = id;
  const request = ++openRequest;
  clearTimers();
  set({ ...(get().story?.id === id ? get() : EMPTY), loading: true });
  const loaded = await attempt('open the story', async () => {
    const [story] = await Promise.all([api().getStory({ id }), loadLibraryRules(), loadDraftPrefix()]);
    return story;
  });
  if (request !== openRequest) return;
  if (!loaded) {
    set({ ...EMPTY });
    return;
  }
  const kept = readKeptDraft(id);
  const keptDiffers = kept !== null && JSON.stringify(kept.story) !== JSON.stringify(loaded);
  resetHistory();
  set({ ...EMPTY, story: loaded, base: loaded, keptDraft: keptDiffers ? kept : null });
  if (kept && !keptDiffers) forgetDraft(id);
  // The header shows first; the review and the page (which needs the hero's bytes) follow once
  // it is painted.
  await attempt('load the hero image', () => loadHeroImage(loaded.hero?.asset));
  afterPaint(() => {
    if (request === openRequest) refreshDerived(true);
  });
}

/** Runs `work` after the browser has painted what is on screen now. */
function afterPaint(work: () => void): void {
  requestAnimationFrame(() => setTimeout(work, 0));
}

/** Saves what is pending (see leaveStory), then shows no story. */
export async function closeStory(): Promise<void> {
  const request = ++openRequest;
  await leaveStory();
  if (request !== openRequest) return;
  openId = null;
  clearTimers();
  resetHistory();
  set(EMPTY);
}

/**
 * The open story changed elsewhere (another window or tab, an import) or the library's rules
 * changed. Without local edits the new version is simply shown; with local edits it becomes a
 * conflict at once, rather than at the next save.
 */
export async function reloadOpenStory(options: { rulesChanged?: boolean } = {}): Promise<void> {
  if (options.rulesChanged) libraryRules = null;
  const id = openId;
  if (id === null) return;
  await saving;
  const { base, story, saveState } = get();
  if (!base || !story || openId !== id) return;
  const theirs = await attempt('reload the story', () => api().getStory({ id }));
  if (!theirs || openId !== id) return;
  await Promise.all([loadLibraryRules(), loadHeroImage(theirs.hero?.asset)]);
  if (theirs.revision === base.revision) {
    refreshDerived(true);
    return;
  }
  if (saveState === 'saved') {
    resetHistory();
    set({ story: theirs, base: theirs, revisions: null });
    refreshDerived(true);
  } else {
    // Unsaved edits meet a newer version: the conflict banner (or, already showing, its newest).
    showConflict(theirs);
  }
}

// ---------------------------------------------------------------------------------------------
// Editing and saving.

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retries = 0;
/** The save in flight, if any. */
let saving: Promise<void> | undefined;

function clearTimers(): void {
  if (heldPage) clearTimeout(heldPage.timer);
  heldPage = undefined;
  clearTimeout(saveTimer);
  clearTimeout(retryTimer);
  clearTimeout(reviewTimer);
  clearTimeout(previewTimer);
  retries = 0;
}

/**
 * Whether the draft fits the model; when it does not, the save state says so and `problems` says
 * where. Run before every save; while typing, the review worker checks after a pause (a
 * whole-story check is too slow to run on every key of a large story).
 */
function checkDraft(): boolean {
  const { story } = get();
  if (!story) return false;
  return applyProblems(problemsOf(story));
}

/** Shows the draft's problems, and moves the save state between "edited" and "a field needs fixing". */
function applyProblems(problems: Record<string, string>): boolean {
  const { saveState } = get();
  const invalid = Object.keys(problems).length > 0;
  const before = get().problems;
  const same = Object.keys(problems).length === Object.keys(before).length && Object.entries(problems).every(([path, message]) => before[path] === message);
  if (!same) set({ problems });
  if (invalid && saveState === 'unsaved') {
    clearTimeout(saveTimer);
    set({ saveState: 'invalid' });
  } else if (!invalid && saveState === 'invalid') {
    set({ saveState: 'unsaved' });
    saveTimer = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
  }
  return !invalid;
}

export interface EditOptions {
  /**
   * Edits with the same key made within a moment of each other are undone as one step: typing in
   * one field or one section body. Structural edits (adding, moving, deleting) leave it out and
   * are each a step of their own.
   */
  coalesce?: string;
}

/** Earlier drafts for undo (oldest first), and drafts undone for redo (most recently undone last). */
const history = { past: [] as Story[], future: [] as Story[], lastKey: undefined as string | undefined, lastAt: 0 };

function resetHistory(): void {
  history.past = [];
  history.future = [];
  history.lastKey = undefined;
  set({ canUndo: false, canRedo: false });
}

/** Puts `next` on screen as the draft: the review and preview follow, and the save waits for a pause. */
function showDraft(next: Story): void {
  const { base, saveState } = get();
  if (!base) return;
  const state: SaveState = saveState === 'conflict' ? 'conflict' : saveState === 'invalid' ? 'invalid' : 'unsaved';
  lastEditAt = Date.now();
  set({ story: next, saveState: state, canUndo: history.past.length > 0, canRedo: history.future.length > 0 });
  keepDraftSoon(next, base.revision);
  refreshDerived();
  clearTimeout(saveTimer);
  if (state === 'invalid') checkDraft();
  else if (state === 'unsaved') saveTimer = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
}

/** Changes the draft; the review and preview follow, and the save waits for a pause. */
export function editStory(change: (story: Story) => Story, options: EditOptions = {}): void {
  const { story, base } = get();
  if (!story || !base) return;
  const next = change(story);
  if (next === story) return;
  const now = Date.now();
  const joins = options.coalesce !== undefined && options.coalesce === history.lastKey && now - history.lastAt < UNDO_COALESCE_MS;
  if (!joins) {
    history.past.push(story);
    if (history.past.length > UNDO_STEPS_KEPT) history.past.shift();
  }
  history.future = [];
  history.lastKey = options.coalesce;
  history.lastAt = now;
  showDraft(next);
}

/**
 * An earlier draft's content with the current draft's bookkeeping (revision, dates, status):
 * undo goes back in what the editor wrote, not in what the library recorded since.
 */
function withCurrentBookkeeping(content: Story, current: Story): Story {
  const next: Story = { ...content, revision: current.revision, createdAt: current.createdAt, updatedAt: current.updatedAt, status: current.status };
  if (current.publishedAt === undefined) delete next.publishedAt;
  else next.publishedAt = current.publishedAt;
  return next;
}

/** Takes back the last edit (a run of typing in one place counts as one). */
export function undo(): void {
  const { story } = get();
  const previous = history.past.pop();
  if (!story || !previous) return;
  history.future.push(story);
  history.lastKey = undefined;
  showDraft(withCurrentBookkeeping(previous, story));
}

/** Does again what undo took back. */
export function redo(): void {
  const { story } = get();
  const next = history.future.pop();
  if (!story || !next) return;
  history.past.push(story);
  history.lastKey = undefined;
  showDraft(withCurrentBookkeeping(next, story));
}

/**
 * Why a save failed, as one sentence or two. A library that cannot be written says what the
 * editor can do (the back end's message adds SQLite's words and the file's path in full).
 */
function whySaveFailed(error: unknown): string {
  if (error instanceof StorydeskError && error.code === 'library-unusable') {
    const where = typeof error.details.path === 'string' ? ` (${error.details.path})` : '';
    if (error.details.reason === 'disk-full') return `The disk holding the library is full${where}. Free some space there.`;
    if (error.details.reason === 'read-only') return `The library cannot be written${where}. Check that you may write its file and its folder.`;
  }
  return asSentence(describeError(error, 'save'));
}

/** Saves the draft now if it has unsaved changes; resolves when the save is done (or failed). */
export async function saveNow(): Promise<void> {
  clearTimeout(saveTimer);
  if (saving) {
    await saving;
    if (get().saveState === 'unsaved' || get().saveState === 'failed') return saveNow();
    return;
  }
  const { story, base, saveState } = get();
  if (!story || !base || (saveState !== 'unsaved' && saveState !== 'failed')) return;
  if (!checkDraft()) return;
  saving = (async () => {
    set({ saveState: 'saving' });
    try {
      const saved = await api().saveStory({ story, baseRevision: base.revision });
      retries = 0;
      clearTimeout(retryTimer);
      if (openId !== saved.id) {
        // Left while saving: what was typed after this save began is kept, not forgotten.
        forgetDraftIfSaved(story);
        return;
      }
      const current = get().story;
      if (current === story) {
        forgetDraft(saved.id);
        // The draft's own parts stay on screen (the library holds the same content), so that
        // nothing is drawn again after a save: only the bookkeeping comes from the library.
        set({ story: { ...story, revision: saved.revision, updatedAt: saved.updatedAt }, base: saved, saveState: 'saved', saveError: null, revisions: null });
      } else if (current) {
        // Typed on while saving: the newer draft is based on the revision just saved.
        set({ base: saved, story: { ...current, revision: saved.revision, updatedAt: saved.updatedAt }, saveError: null, revisions: null });
        if (get().saveState === 'saving') set({ saveState: 'unsaved' });
        keepDraft(get().story ?? current, saved.revision);
        saveTimer = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
      }
    } catch (error) {
      if (openId !== story.id) return;
      if (error instanceof StorydeskError && error.code === 'conflict') {
        const theirs = await api().getStory({ id: story.id }).catch(() => undefined);
        if (theirs) {
          showConflict(theirs);
          return;
        }
      }
      const delay = RETRY_DELAYS_MS[Math.min(retries, RETRY_DELAYS_MS.length - 1)] ?? 30_000;
      retries++;
      set({ saveState: 'failed', saveError: `${whySaveFailed(error)} Your text is kept; trying again in ${Math.round(delay / 1000)} s.` });
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void saveNow(), delay);
    }
  })();
  try {
    await saving;
  } finally {
    saving = undefined;
  }
}

/** Saves what is pending at once: before another story opens, the window closes or the status changes. */
export async function flushSave(): Promise<void> {
  keepPendingDraft();
  const { saveState } = get();
  if (saveState === 'unsaved' || saveState === 'failed' || saving) await saveNow();
}

function showConflict(theirs: Story): void {
  const { base } = get();
  clearTimers();
  set({ saveState: 'conflict', conflict: { theirs, changes: base ? describeStoryChanges(base, theirs) : [] } });
}

/** Conflict: show the other version, dropping this window's unsaved edits. */
export function reloadTheirs(): void {
  const { conflict } = get();
  if (!conflict) return;
  forgetDraft(conflict.theirs.id);
  resetHistory();
  set({ story: conflict.theirs, base: conflict.theirs, conflict: null, saveState: 'saved', saveError: null, problems: {}, revisions: null });
  void loadHeroImage(conflict.theirs.hero?.asset).then(() => refreshDerived(true));
  refreshDerived(true);
}

/**
 * Conflict: keep this window's version as a new draft story beside the other version, which stays
 * as it is. Resolves to the copy's id (the caller opens it), or undefined when the copy failed.
 */
export async function keepMineAsCopy(): Promise<string | undefined> {
  const { story, conflict } = get();
  if (!story || !conflict) return undefined;
  const copy = await attempt('keep your version as a copy', () => api().duplicateStory({ id: story.id, content: story }));
  if (!copy) return undefined;
  forgetDraft(story.id);
  resetHistory();
  set({ story: conflict.theirs, base: conflict.theirs, conflict: null, saveState: 'saved', saveError: null, problems: {} });
  return copy.id;
}

/** A kept draft from an earlier visit: take it back (saved, or a conflict if the story moved on). */
export function restoreKeptDraft(): void {
  const { keptDraft, base } = get();
  if (!keptDraft || !base) return;
  set({ keptDraft: null });
  if (keptDraft.baseRevision === base.revision) {
    editStory(() => ({ ...keptDraft.story, revision: base.revision, updatedAt: base.updatedAt }));
  } else {
    set({ story: { ...keptDraft.story, revision: keptDraft.baseRevision }, base: { ...base } });
    refreshDerived(true);
    showConflict(base);
    // The banner compares against what the kept draft was based on when that revision is known.
    void api()
      .getRevision({ storyId: base.id, revision: keptDraft.baseRevision })
      .then(({ story: then }) => {
        if (get().conflict?.theirs === base) set({ conflict: { theirs: base, changes: describeStoryChanges(then, base) } });
      })
      .catch(() => undefined);
  }
}

export function discardKeptDraft(): void {
  const { keptDraft } = get();
  if (!keptDraft) return;
  forgetDraft(keptDraft.story.id);
  set({ keptDraft: null });
}

/**
 * Saves what is pending before the open story leaves the screen. What cannot be saved now (a
 * conflict, a field to mend, a failed save) stays kept in this window, and the editor is told so.
 */
async function leaveStory(): Promise<void> {
  const leaving = get().story;
  if (!leaving) return;
  await flushSave();
  // A draft stays kept until it is saved.
  if (readKeptDraft(leaving.id) !== null) {
    notify(`Your changes to “${leaving.title || 'Untitled story'}” are not saved yet. They are kept in this window: open the story again to restore them.`);
  }
}

/** Whether edits wait for a save that can go through now (not a conflict, a field to mend or a failed save). */
export function hasSaveUnderWay(): boolean {
  const { saveState } = get();
  return saveState === 'unsaved' || saveState === 'saving';
}

/** Whether closing the window now would lose anything (it also flushes what it can). */
export function hasUnsavedChanges(): boolean {
  const { saveState } = get();
  return saveState !== 'saved';
}

// ---------------------------------------------------------------------------------------------
// Header fields.

export type HeaderField = 'title' | 'slug' | 'feed' | 'dek';

export function editHeader(field: HeaderField, value: string): void {
  editStory(
    (story) => {
      if (field !== 'dek') return { ...story, [field]: value };
      const next = { ...story };
      if (value === '') delete next.dek;
      else next.dek = value;
      return next;
    },
    { coalesce: `header:${field}` },
  );
}

// ---------------------------------------------------------------------------------------------
// Status and the publish gate.

/**
 * The saved version, once pending edits are saved, for a change made on the library's side (a
 * status, a restore); undefined, with a notice saying why, while edits remain unsaved.
 */
async function savedBase(doing: string): Promise<Story | undefined> {
  await flushSave();
  const { base, saveState } = get();
  if (!base) return undefined;
  if (saveState !== 'saved') {
    notify(`Could not ${doing}: the story has changes that are not saved yet. Resolve them first, then try again.`);
    return undefined;
  }
  return base;
}

export async function changeStatus(status: StoryStatus, overrideReason?: string): Promise<boolean> {
  const base = await savedBase('change the status');
  if (!base) return false;
  try {
    const changed = await api().setStoryStatus({ id: base.id, status, baseRevision: base.revision, ...(overrideReason ? { overrideReason } : {}) });
    if (openId === changed.id) {
      set({ story: changed, base: changed, publishGate: null, revisions: null });
      refreshDerived(true);
    }
    return true;
  } catch (error) {
    if (error instanceof PublishBlockedError) {
      set({ publishGate: { blockers: error.blockers } });
      return false;
    }
    if (error instanceof StorydeskError && error.code === 'conflict') {
      await reloadOpenStory();
    }
    notify(describeError(error, 'change the status'));
    return false;
  }
}

export function cancelPublish(): void {
  set({ publishGate: null });
}

// ---------------------------------------------------------------------------------------------
// The hero image.

/**
 * Stores the image file as the story's hero. The text fields of a hero being replaced are kept;
 * a file that is not a PNG, JPEG, WebP or GIF, or is too large, is refused with a notice.
 */
export async function attachHeroFile(file: Blob & { name?: string }): Promise<void> {
  const name = file.name ? `“${file.name}”` : 'The pasted image';
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(file.type)) {
    notify(`${name} cannot be the hero image: it is ${file.type ? `a ${file.type} file` : 'not an image'}, and the hero must be a PNG, JPEG, WebP or GIF image.`);
    return;
  }
  if (file.size > MAX_ASSET_BYTES) {
    notify(`${name} cannot be the hero image: it is ${formatBytes(file.size)}, and the limit is ${formatBytes(MAX_ASSET_BYTES)}.`);
    return;
  }
  const data = encodeBase64(new Uint8Array(await file.arrayBuffer()));
  const asset = await attempt('store the image', () => api().putAsset({ mediaType: file.type as ImageMediaType, data }));
  if (!asset) return;
  keepHeroImage(asset, data);
  editStory((story) => ({
    ...story,
    hero: story.hero ? { ...story.hero, asset } : { asset, alt: '', caption: '', credit: '', usageTerms: '' },
  }));
}

export type HeroTextField = 'alt' | 'caption' | 'credit' | 'usageTerms';
export type HeroLinkField = 'sourceUrl' | 'fullSizeUrl';

export function editHero(field: HeroTextField | HeroLinkField, value: string): void {
  editStory(
    (story) => {
      if (!story.hero) return story;
      const hero: HeroImage = { ...story.hero };
      if ((field === 'sourceUrl' || field === 'fullSizeUrl') && value.trim() === '') delete hero[field];
      else hero[field] = value;
      return { ...story, hero };
    },
    { coalesce: `hero:${field}` },
  );
}

export function removeHero(): void {
  editStory((story) => {
    const next = { ...story };
    delete next.hero;
    return next;
  });
}

export function heroImageUrl(asset: AssetRef): string | undefined {
  return heroImages.get(asset.sha256)?.dataUrl;
}

// ---------------------------------------------------------------------------------------------
// Revision history.

export async function loadRevisions(): Promise<void> {
  const id = openId;
  if (id === null) return;
  const revisions = await attempt('list the revisions', () => api().listRevisions({ storyId: id }));
  if (revisions && openId === id) set({ revisions });
}

export async function viewRevision(revision: number): Promise<void> {
  const id = openId;
  if (id === null) return;
  const shown = await attempt(`open revision ${revision}`, async () => {
    const result = await api().getRevision({ storyId: id, revision });
    await loadHeroImage(result.story.hero?.asset);
    return result;
  });
  if (shown && openId === id) set({ viewing: { ...shown, previewHtml: pageFor(shown.story) } });
}

export function closeRevision(): void {
  set({ viewing: null });
}

/** Makes an earlier revision the newest one (history is never rewritten). */
export async function restoreRevision(revision: number): Promise<boolean> {
  const base = await savedBase('restore the revision');
  if (!base) return false;
  const restored = await attempt(`restore revision ${revision}`, () => api().restoreRevision({ storyId: base.id, revision, baseRevision: base.revision }));
  if (!restored || openId !== restored.id) return false;
  await loadHeroImage(restored.hero?.asset);
  resetHistory();
  set({ story: restored, base: restored, viewing: null, revisions: null });
  refreshDerived(true);
  void loadRevisions();
  return true;
}
