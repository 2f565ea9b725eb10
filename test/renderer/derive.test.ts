// What crosses to the review worker while the editor types (renderer/derive.ts): the whole draft
// once, then only what changed, from which the worker rebuilds exactly the editor's draft.
import { describe, expect, it } from 'vitest';
import type { Story } from '../../shared/model';
import { emptySection, insertItem, moveItem, removeItem, updateItem } from '../../shared/story-edits';
import { applyDraftPatch, draftPatch } from '../../renderer/derive';
import { sampleStory } from '../helpers/library';

describe('drafts sent to the review worker', () => {
  it('sends the whole draft first, and for another story', () => {
    const story = sampleStory();
    expect(draftPatch(story, undefined)).toEqual({ whole: story });
    expect(draftPatch({ ...story, id: 'other' }, story)).toEqual({ whole: { ...story, id: 'other' } });
  });

  it('sends a typed change as the one part it touched, and the worker rebuilds the same draft', () => {
    const sent = sampleStory();
    const typed = updateItem(sent, 'sections', sent.sections[2]!.id, (section) => ({ ...section, heading: `${section.heading}!` }));
    const patch = draftPatch(typed, sent);
    if ('whole' in patch) throw new Error('expected a patch');
    expect(patch.lists.sources).toBeUndefined();
    expect(patch.lists.timeline).toBeUndefined();
    expect(patch.lists.sections?.filter((item) => typeof item !== 'number')).toEqual([typed.sections[2]]);
    expect(applyDraftPatch(patch, sent)).toEqual(typed);
  });

  it('rebuilds moves, additions and deletions in every list, and field changes', () => {
    const sent = sampleStory();
    let edited: Story = { ...sent, title: 'A new title', citationOrder: 'manual' };
    edited = moveItem(edited, 'sources', sent.sources[5]!.id, 0);
    edited = removeItem(edited, 'timeline', sent.timeline[3]!.id);
    edited = insertItem(edited, 'sections', { ...emptySection(edited), heading: 'Added' }, 1);
    const rebuilt = applyDraftPatch(JSON.parse(JSON.stringify(draftPatch(edited, sent))), sent);
    expect(rebuilt).toEqual(edited);
  });

  it('refuses a change to a draft the worker never received', () => {
    const sent = sampleStory();
    expect(() => applyDraftPatch(draftPatch({ ...sent, title: 'x' }, sent), undefined)).toThrow('never received');
  });
});
