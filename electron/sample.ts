/**
 * The sample story every new library starts with: the seed page, transcribed in
 * shared/sample/sample-story.json, with a stand-in image of our own as its hero.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseOrThrow } from '../shared/errors';
import { StorySchema, type Story } from '../shared/model';
import { packageRoot } from './paths';

export const SAMPLE_STORY_FILE = 'shared/sample/sample-story.json';
export const SAMPLE_HERO_FILE = 'shared/sample/sample-hero.png';

export function loadSampleStory(): { story: Story; heroImage: Uint8Array } {
  const root = packageRoot();
  const story = parseOrThrow(StorySchema, JSON.parse(fs.readFileSync(path.join(root, SAMPLE_STORY_FILE), 'utf8')), 'sample story');
  const heroImage = new Uint8Array(fs.readFileSync(path.join(root, SAMPLE_HERO_FILE)));
  return { story, heroImage };
}
