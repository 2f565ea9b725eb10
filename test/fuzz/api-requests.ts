/**
 * A valid request for every API method, made from a library's state at the moment it is asked
 * for (the sample story's current revision, its image, a bundle of it): what the API fuzzing
 * mutates. Several per method where a method has optional parts, so that each part gets mutated.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ApiMethod, ApiRequest } from '../../shared/api';
import { exportStoryBundle } from '../../electron/bundles';
import type { FuzzLibrary } from './library';

export const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

const projectRoot = path.join(import.meta.dirname, '..', '..');
const heroImage = fs.readFileSync(path.join(projectRoot, 'shared', 'sample', 'sample-hero.png'));
/** The project's own copy of the seed page as text. */
export const SEED_TEXT = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'seed-story.txt'), 'utf8');

type ValidRequests = { [Method in ApiMethod]: () => ApiRequest<Method>[] };

/** Valid requests for `method`, made from the library as it is now. */
export function validRequests<Method extends ApiMethod>(library: FuzzLibrary, method: Method): ApiRequest<Method>[] {
  return requestMakers(library)[method]();
}

/**
 * Valid requests for every method, each made when asked for. The story they name is the sample
 * when the library still holds it, else the first story it holds (in the trash or not), else the
 * sample's id (404s then).
 */
function requestMakers(library: FuzzLibrary): ValidRequests {
  const { store } = library;
  const id = store.hasStory(SAMPLE_ID) ? SAMPLE_ID : (store.listStories()[0]?.id ?? store.listStories({ in: 'trash' })[0]?.id ?? SAMPLE_ID);
  const story = store.hasStory(id) ? store.getStory(id) : undefined;
  const revision = story?.revision ?? 1;
  const sha256 = story?.hero?.asset.sha256 ?? '0'.repeat(64);
  const bundle = () => (story ? Buffer.from(exportStoryBundle(store, id)).toString('base64') : '');
  // The story at the limits of its schema too: the longest slug, and one short of it.
  const atLimits = story ? [{ ...story, slug: `${'a'.repeat(118)}-b` }, { ...story, slug: `${'a'.repeat(117)}-b` }] : [];
  const storyRequests = story
    ? {
        save: [{ story, baseRevision: revision, summary: 'Fuzzed', author: 'Fuzz' }, { story, baseRevision: revision }, ...atLimits.map((limit) => ({ story: limit, baseRevision: revision }))],
        content: [story, ...atLimits],
      }
    : { save: [], content: [] };

  return {
    listStories: () => [{}, { in: 'trash', status: 'draft', feed: 'Top Headlines', sort: 'title-asc', limit: 5, after: { key: 'A', id } }, { sort: 'created-desc', limit: 1 }],
    listFeeds: () => [{}, { in: 'trash' }],
    searchStories: () => [{ query: 'Warsaw' }, { query: 'security talks', limit: 10, in: 'all' }],
    createStory: () => [{}, { title: 'A fuzzed story', feed: 'Feeds', dek: 'Standfirst', author: 'Fuzz' }, { title: `${'A '.repeat(250)}`, feed: 'F'.repeat(200), author: 'A'.repeat(200) }],
    getStory: () => [{ id }],
    saveStory: () => storyRequests.save,
    duplicateStory: () => [{ id }, ...storyRequests.content.map((content) => ({ id, content, author: 'Fuzz' }))],
    trashStory: () => [{ id }],
    restoreStory: () => [{ id }],
    purgeStory: () => [{ id }],
    listRevisions: () => [{ storyId: id }],
    getRevision: () => [{ storyId: id, revision: 1 }],
    restoreRevision: () => [{ storyId: id, revision: 1, baseRevision: revision, author: 'Fuzz' }],
    putAsset: () => [{ mediaType: 'image/png', data: heroImage.toString('base64') }],
    getAsset: () => [{ sha256 }],
    setStoryStatus: () => [
      { id, status: 'review', baseRevision: revision },
      { id, status: 'published', baseRevision: revision, overrideReason: 'Checked by hand', author: 'Fuzz' },
    ],
    reviewStory: () => [{ id }, { id, rules: { citationUnit: 'paragraph', singleSourceThreshold: 3, severities: { 'sentence-uncited': 'info' } } }],
    getCoverageRules: () => [{}],
    setCoverageRules: () => [{ rules: {} }, { rules: { sourceShareLimit: 0.6, timelineOrder: 'newest-first', severities: { 'source-uncited': 'off' } } }],
    exportStory: () => [
      { id, format: 'html' },
      { id, format: 'bundle', final: false },
      { id, format: 'ninjs', final: true, overrideReason: 'Checked by hand', author: 'Fuzz' },
      { id, format: 'timelinejs' },
      { id, format: 'csl' },
    ],
    exportLibraryBundle: () => [{}, { ids: [id] }],
    importBundle: () => {
      const data = bundle();
      return data ? [{ data, onConflict: 'copy' }, { data, onConflict: 'replace', author: 'Fuzz' }, { data, onConflict: 'skip' }] : [];
    },
    importText: () => [{ text: SEED_TEXT }, { text: 'Feeds\nA headline\nA section. Its sentence [1].', author: 'Fuzz' }],
    backupLibrary: () => [{}],
    getLibraryInfo: () => [{}],
    verifyLibrary: () => [{}],
    listBackups: () => [{}],
  };
}

/** Methods that only read: even when they succeed, the library must be as it was. */
export const READ_ONLY_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'listStories',
  'listFeeds',
  'searchStories',
  'getStory',
  'listRevisions',
  'getRevision',
  'getAsset',
  'reviewStory',
  'getCoverageRules',
  'exportLibraryBundle',
  'getLibraryInfo',
  'verifyLibrary',
  'listBackups',
]);
