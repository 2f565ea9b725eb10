// Sorting a story's timeline by date, as the timeline editor's Sort by date does: in the
// direction the coverage rules expect, stable, with entries whose date cannot be read in place,
// and the same story back when there is nothing to sort.
import { describe, expect, it } from 'vitest';
import type { Story, TimelineEntry } from '../shared/model';
import { sortTimelineByDate, timelineDateFor } from '../shared/story-edits';
import { sampleStory } from './helpers/library';

function withTimeline(labels: string[]): Story {
  const timeline: TimelineEntry[] = labels.map((label, index) => ({ id: `entry-${index}`, date: timelineDateFor(label, '2026-02-08'), body: [] }));
  return { ...sampleStory(), timeline };
}

const labels = (story: Story) => story.timeline.map((entry) => entry.date.label);

describe('sortTimelineByDate', () => {
  it('puts the dates oldest first, leaving an unreadable label where it was', () => {
    const story = withTimeline(['Feb 2, 2026', '1950\u201153', 'Late 2024', 'Soon after', '2010', 'Dec 4, 2025']);
    expect(labels(sortTimelineByDate(story, '2026-02-08'))).toEqual(['1950\u201153', '2010', 'Late 2024', 'Soon after', 'Dec 4, 2025', 'Feb 2, 2026']);
  });

  it('puts them newest first when the coverage rules ask for that order', () => {
    const story = withTimeline(['2010', 'Friday', 'Soon after', '1950\u201153', 'Late 2024']);
    // "Friday" is read against the story's date: the Friday before Sunday 8 February 2026.
    expect(labels(sortTimelineByDate(story, '2026-02-08', 'newest-first'))).toEqual(['Friday', 'Late 2024', 'Soon after', '2010', '1950\u201153']);
  });

  it('keeps entries whose dates overlap in the order the editor gave them', () => {
    const story = withTimeline(['Dec 2024', '2024', 'Late 2024', '2023']);
    expect(labels(sortTimelineByDate(story, '2026-02-08'))).toEqual(['2023', 'Dec 2024', '2024', 'Late 2024']);
  });

  it('gives back the same story when the timeline is in order already, so that no undo step is made', () => {
    const story = withTimeline(['1950\u201153', 'Soon after', '2010']);
    expect(sortTimelineByDate(story, '2026-02-08')).toBe(story);
  });
});
