// The conflict banner's list of the other version's changes: one short line per difference, in
// the page's order, with parts matched by id so moves read as moves.
import { describe, expect, it } from 'vitest';
import { describeStoryChanges } from '../shared/story-changes';
import { sampleStory } from './helpers/library';

describe('describeStoryChanges', () => {
  it('says nothing about two equal versions', () => {
    expect(describeStoryChanges(sampleStory(), sampleStory())).toEqual([]);
  });

  it('names header and hero changes with their old and new values', () => {
    const before = { ...sampleStory(), title: 'Talks in Warsaw', dek: 'Officials met for two days.' };
    const after = sampleStory();
    after.title = 'Seoul and Warsaw sign a defence pact';
    after.dek = '';
    if (after.hero) after.hero = { ...after.hero, caption: 'A new caption' };
    const lines = describeStoryChanges(before, after);
    expect(lines[0]).toBe('Title: «Talks in Warsaw» → «Seoul and Warsaw sign a defence pact»');
    expect(lines).toContain('Hero caption: «' + (before.hero?.caption.slice(0, 59) ?? '') + '…» → «A new caption»');
    expect(lines).toContain('Dek: «Officials met for two days.» → (empty)');
  });

  it('tells text changes from citation changes, and moves from additions and removals', () => {
    const before = sampleStory();
    const after = sampleStory();
    const [first, second, ...rest] = after.sections;
    if (!first || !second) throw new Error('the sample has sections');
    const paragraph = first.body[0];
    if (!paragraph) throw new Error('the sample’s first section has a paragraph');
    paragraph.content = paragraph.content.filter((inline) => inline.type !== 'citation');
    const removedSource = after.sources.pop();
    after.sections = [second, first, ...rest, { id: 'section-new', heading: 'Reaction in Seoul', body: [] }];
    const lines = describeStoryChanges(before, after);
    expect(lines).toContain(`Section 2 «${first.heading}»: citations changed`);
    expect(lines).toContain('Section 6 «Reaction in Seoul» added');
    expect(lines).toContain('Sections reordered');
    expect(lines).toContain(`Source «${removedSource?.title ?? removedSource?.id}» removed`);
  });
});
