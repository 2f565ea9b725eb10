// The coverage review remembers what it read (each paragraph's sentences, each timeline date) so
// that reviewing after every pause in typing stays fast on a large story. What it remembers must
// never change an answer: the same report as for a copy of the story that shares nothing with what
// was reviewed before, after edits that keep or replace objects and after changes made in place.
import { describe, expect, it } from 'vitest';
import { reviewCoverage } from '../shared/coverage';
import type { Inline, Story } from '../shared/model';
import { splitSentences } from '../shared/sentences';
import { createStoryGenerator, DEFAULT_SEED } from './bench/generate';
import { sampleStory } from './helpers/library';
import { cite, text } from './helpers/stories';

/** The report for a deep copy: no array or object the review has seen before. */
function freshReport(story: Story) {
  return reviewCoverage(structuredClone(story));
}

describe('the review’s memory of what it read', () => {
  it('gives the same report as for a fresh copy after edits as the editor makes them (new objects for what changed)', () => {
    const huge = createStoryGenerator({ seed: DEFAULT_SEED }).hugeStory();
    let story = huge;
    reviewCoverage(story);
    for (let step = 0; step < 6; step++) {
      const section = story.sections[step * 37];
      const entry = story.timeline[step * 101];
      if (!section || !entry) throw new Error('the huge story has these parts');
      const [first, ...rest] = section.body;
      if (!first) throw new Error('the section has a paragraph');
      story = {
        ...story,
        sections: story.sections.map((candidate) =>
          candidate === section ? { ...section, body: [{ ...first, content: [...first.content, text(` Nothing was said ${step}. Dr. Kim left.`)] }, ...rest] } : candidate,
        ),
        timeline: story.timeline.map((candidate) => (candidate === entry ? { ...entry, date: { label: step % 2 === 0 ? 'Friday' : 'Spring 2019' } } : candidate)),
      };
      expect(reviewCoverage(story)).toEqual(freshReport(story));
    }
  });

  it('does not hold on to an answer when a paragraph or a date is changed in place', () => {
    const story = sampleStory();
    const first = reviewCoverage(story);
    expect(first.figures.sentences).toEqual({ cited: 15, total: 15 });

    const content = story.sections[0]?.body[0]?.content as Inline[];
    content.push(text(' An uncited sentence.'));
    expect(reviewCoverage(story)).toEqual(freshReport(story));
    expect(reviewCoverage(story).figures.sentences).toEqual({ cited: 15, total: 16 });

    // A run's text replaced in place, and a citation moved to another place in the same array.
    const run = content.find((inline): inline is Extract<Inline, { type: 'text' }> => inline.type === 'text');
    if (!run) throw new Error('the paragraph has text');
    run.text = `${run.text} And another one. `;
    const citationAt = content.findIndex((inline) => inline.type === 'citation');
    const [moved] = content.splice(citationAt, 1);
    if (moved) content.push(moved);
    expect(reviewCoverage(story)).toEqual(freshReport(story));

    const entry = story.timeline[0];
    if (!entry) throw new Error('the sample has a timeline');
    entry.date.label = 'Friday';
    delete entry.date.edtf;
    expect(reviewCoverage(story)).toEqual(freshReport(story));
    expect(reviewCoverage(story).findings.some((finding) => finding.code === 'timeline-date-relative')).toBe(true);
  });

  it('splits the same content the same way each time, and content changed in place anew', () => {
    const content: Inline[] = [text('Talks began'), cite('a'), text('. They ended.')];
    const once = splitSentences(content);
    expect(splitSentences(content)).toBe(once);
    expect(once.map((sentence) => [sentence.text, sentence.citations])).toEqual([
      ['Talks began.', [1]],
      ['They ended.', []],
    ]);
    content.push(cite('b'));
    expect(splitSentences(content).map((sentence) => sentence.citations)).toEqual([[1], [3]]);
    expect(splitSentences(content)).toEqual(splitSentences(structuredClone(content)));
  });
});
