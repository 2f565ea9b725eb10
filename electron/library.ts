/**
 * Opens a library as the app and the command line use it: the store, with the sample story
 * seeded into every new library, and the service over it.
 */
import { createHash } from 'node:crypto';
import { readImageInfo } from '../shared/image-info';
import { loadSampleStory } from './sample';
import { createService, type ServiceOptions } from './service';
import { LibraryStore, type OpenOptions } from './store/store';

/** Puts the sample story and its image into a new library (inside its first transaction). */
export function seedSampleStory(store: LibraryStore): void {
  const { story, heroImage } = loadSampleStory();
  const info = readImageInfo(heroImage);
  const sha256 = createHash('sha256').update(heroImage).digest('hex');
  if (!info || !story.hero || story.hero.asset.sha256 !== sha256) {
    throw new Error('the sample story does not match its image file (shared/sample): run the sample tests');
  }
  store.putAsset(story.hero.asset, heroImage);
  store.insertStory({ ...story, revision: 1 }, { author: 'Storydesk', summary: 'Sample story: the seed page' });
}

export function openLibrary(file: string, options: Omit<OpenOptions, 'seed'> & { withSample?: boolean } = {}): LibraryStore {
  const { withSample = true, ...rest } = options;
  return LibraryStore.open(file, { ...rest, ...(withSample ? { seed: seedSampleStory } : {}) });
}

export function openLibraryService(file: string, options: ServiceOptions & { withSample?: boolean; quickCheck?: boolean } = {}) {
  const { withSample, quickCheck, ...serviceOptions } = options;
  const store = openLibrary(file, { withSample, quickCheck, now: options.now });
  return { store, service: createService(store, serviceOptions) };
}
