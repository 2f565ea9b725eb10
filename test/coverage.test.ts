import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteSource, mergeSources } from '../shared/citation-edits';
import { blockersOf, reviewCoverage, rulesForStory } from '../shared/coverage';
import { CoverageReportSchema, FINDING_CODES, mergeCoverageRules, type CoverageReport, type FindingCode } from '../shared/coverage-schema';
import { inlineText } from '../shared/story-text';
import type { Story } from '../shared/model';
import { splitSentences } from '../shared/sentences';
import { sampleStory } from './helpers/library';
import { cite, paragraph, publishableSample, smallStory, source, text } from './helpers/stories';

function codes(report: CoverageReport): FindingCode[] {
  return report.findings.map((finding) => finding.code);
}

function count(report: CoverageReport, code: FindingCode): number {
  return codes(report).filter((found) => found === code).length;
}

function only(report: CoverageReport, code: FindingCode) {
  const found = report.findings.filter((finding) => finding.code === code);
  expect(found, `exactly one ${code} in ${JSON.stringify(codes(report))}`).toHaveLength(1);
  return found[0]!;
}

describe('the review of the sample story', () => {
  const report = reviewCoverage(sampleStory());

  it('is a valid report', () => {
    expect(CoverageReportSchema.parse(report)).toEqual(report);
  });

  it('counts what an editor sees on the seed page', () => {
    expect(report.figures.sentences).toEqual({ cited: 15, total: 15 });
    expect(report.figures.paragraphs).toEqual({ cited: 5, total: 5 });
    expect(report.figures.timelineEntries).toEqual({ cited: 9, total: 9 });
    expect(report.figures.sources).toEqual({ cited: 6, total: 6 });
    expect(report.figures.timelineOrder).toEqual({ direction: 'oldest-first', inOrder: true, misplaced: 0, undated: 0 });
    expect(report.figures.distinctOutlets).toBe(0);
    // 15 sentences cite [1], and the Feb 2, 2026 timeline entry does too: 16 of 24 citations.
    expect(report.figures.citations).toBe(24);
    expect(report.figures.largestSourceShare).toEqual({ sourceId: 'src-2026-02-02', number: 1, citations: 16, share: 16 / 24 });
    expect(report.figures.largestOutletShare).toBeNull();
  });

  it('finds no uncited sentence or entry, and the timeline in date order', () => {
    for (const code of ['sentence-uncited', 'timeline-entry-uncited', 'timeline-out-of-order', 'timeline-date-unreadable', 'citation-dangling', 'source-uncited'] as const) {
      expect(count(report, code), code).toBe(0);
    }
  });

  it('says every section rests on one source of six, and so does the whole summary', () => {
    const single = report.findings.filter((finding) => finding.code === 'section-single-source');
    expect(single.map((finding) => finding.place)).toEqual([
      'Section 1 «Inaugural Security Talks Held in Warsaw»',
      'Section 2 «Senior Officials Lead Negotiations»',
      'Section 3 «Emphasis on Europe‑Northeast Asia Security Linkages»',
      'Section 4 «Defense Industry Cooperation Underpins Partnership»',
      'Section 5 «Official Statement Documents Commitment»',
    ]);
    expect(single[0]?.message).toBe('Every citation in this section points at one source, [1], though the story has 6 sources.');
    expect(only(report, 'summary-single-source').message).toBe("The whole summary rests on one source, [1], of the story's 6.");
    expect(only(report, 'source-dominant').message).toBe("Source [1] holds 16 of the story's 24 citations (67%), more than the 50% limit.");
  });

  it('makes the missing URLs, titles and outlets of the sources its blockers', () => {
    const blockers = blockersOf(report);
    expect(report.counts.blocker).toBe(18);
    expect(new Set(blockers.map((finding) => finding.code))).toEqual(new Set(['source-url-missing', 'source-title-missing', 'source-outlet-missing']));
    expect(blockers.slice(0, 3).map((finding) => `${finding.place}: ${finding.message}`)).toEqual([
      'Source [1] (src-2026-02-02): This source has no URL.',
      'Source [1] (src-2026-02-02): This source has no title.',
      'Source [1] (src-2026-02-02): This source has no outlet (the publication it appeared in).',
    ]);
    expect(blockers[0]?.location).toEqual({ part: 'source', sourceId: 'src-2026-02-02', field: 'URL' });
  });

  it('lists blockers first, then warnings, then notes', () => {
    const ranks = report.findings.map((finding) => ['blocker', 'warning', 'info'].indexOf(finding.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(report.counts).toEqual({ blocker: 18, warning: 7, info: 1 });
    expect(only(report, 'hero-link-missing').severity).toBe('info');
  });

  it('has no blocker once the sources are complete', () => {
    expect(reviewCoverage(publishableSample()).counts.blocker).toBe(0);
  });
});

describe('each finding', () => {
  function review(change: (story: Story) => void, rules = {}): CoverageReport {
    const story = smallStory();
    change(story);
    return reviewCoverage(story, rulesForStory(story, rules));
  }

  it('starts from a story with nothing to report but its hero link', () => {
    expect(codes(review(() => {}))).toEqual(['hero-link-missing']);
  });

  it('finds a sentence without a citation, with the sentence range to select', () => {
    const report = review((story) => {
      story.sections[0]!.body = [paragraph(text('First thing happened'), cite('a'), text('. Second thing followed without a source. Third'), cite('b'), text('.'))];
    });
    const finding = only(report, 'sentence-uncited');
    expect(finding).toMatchObject({
      severity: 'blocker',
      place: 'Section 1 «What happened», sentence 2',
      message: 'This sentence has no citation: “Second thing followed without a source.”.',
      location: { part: 'section', sectionId: 's1', field: 'body', paragraph: 0, sentence: { index: 1, start: 22, end: 61 } },
    });
    expect(report.figures.sentences).toEqual({ cited: 2, total: 3 });
  });

  it('names the paragraph when a section has several', () => {
    const report = review((story) => {
      story.sections[0]!.body.push(paragraph(text('An uncited claim.')));
    });
    expect(only(report, 'sentence-uncited').place).toBe('Section 1 «What happened», paragraph 2, sentence 1');
  });

  it('counts a citation after the full stop, or at the next sentence start, for the sentence before', () => {
    const report = review((story) => {
      story.sections[0]!.body = [paragraph(text('First thing happened.'), cite('a'), text(' Second thing followed. '), cite('b'), text('Third came.'), cite('a'))];
    });
    expect(report.figures.sentences).toEqual({ cited: 3, total: 3 });
  });

  it('asks for a citation per paragraph when the rules say so', () => {
    const story = smallStory();
    story.sections[0]!.body = [paragraph(text('Cited claim'), cite('a'), text('. Uncited claim.')), paragraph(text('No citation here. None here either.'))];
    const report = reviewCoverage(story, mergeCoverageRules({ citationUnit: 'paragraph' }));
    expect(count(report, 'sentence-uncited')).toBe(0);
    expect(only(report, 'paragraph-uncited')).toMatchObject({ place: 'Section 1 «What happened», paragraph 2', location: { paragraph: 1 } });
    expect(report.figures.paragraphs).toEqual({ cited: 1, total: 2 });
  });

  it('finds a timeline entry without a citation', () => {
    expect(only(review((story) => (story.timeline[0]!.body = [text('It began.')])), 'timeline-entry-uncited')).toMatchObject({
      place: 'Timeline entry 1 «Jan 1, 2026»',
      location: { part: 'timeline', entryId: 't1', field: 'body' },
    });
  });

  it('finds a timeline date that cannot be read, and a relative one', () => {
    const unreadable = only(review((story) => (story.timeline[0]!.date = { label: 'the morning after' })), 'timeline-date-unreadable');
    expect(unreadable.message).toMatch(/^The date “the morning after” cannot be read \(.+\), so this entry cannot be placed by date\.$/);
    const relative = only(review((story) => (story.timeline[0]!.date = { label: 'Friday' })), 'timeline-date-relative');
    // The story's date is its updatedAt, 2026-02-02 (a Monday): the Friday before is Jan 30.
    expect(relative.message).toBe('The date “Friday” is relative; fix it to a date (against the story\'s date, 2026-02-02, it reads as 2026-01-30).');
  });

  it('finds a stored date that no longer matches its label', () => {
    const report = review((story) => (story.timeline[0]!.date = { label: 'Jan 2, 2026', edtf: '2026-01-01' }));
    expect(only(report, 'timeline-date-mismatch').message).toBe('The label “Jan 2, 2026” reads as 2026-01-02, but the entry is stored as 2026-01-01.');
  });

  it('finds entries out of date order', () => {
    const report = review((story) => {
      story.timeline = [
        { id: 't1', date: { label: '2010' }, body: [text('A'), cite('a')] },
        { id: 't2', date: { label: 'Dec 4, 2025' }, body: [text('B'), cite('a')] },
        { id: 't3', date: { label: '1950–53' }, body: [text('C'), cite('a')] },
      ];
    });
    expect(only(report, 'timeline-out-of-order')).toMatchObject({ place: 'Timeline entry 3 «1950–53»', location: { entryId: 't3', field: 'date' } });
    expect(report.figures.timelineOrder).toEqual({ direction: 'oldest-first', inOrder: false, misplaced: 1, undated: 0 });
  });

  it('finds an entry cited only by sources published before the event', () => {
    const report = review((story) => (story.timeline[0]!.date = { label: 'Mar 2026' }));
    expect(only(report, 'timeline-cited-before-event').message).toBe(
      'Every source cited for this entry, [2], was published before “Mar 2026”, so none of them can report it.',
    );
    expect(count(review((story) => (story.timeline[0]!.date = { label: 'Jan 2026' })), 'timeline-cited-before-event')).toBe(0);
  });

  it('finds a citation of a source that is not in the list', () => {
    const report = review((story) => story.sections[0]!.body[0]!.content.push(cite('ghost')));
    expect(only(report, 'citation-dangling')).toMatchObject({
      severity: 'blocker',
      message: 'A citation points at a source that is not in the sources list ("ghost").',
      location: { part: 'section', sectionId: 's1', paragraph: 0, inline: 5 },
    });
  });

  it('finds a source cited nowhere, unless it is marked related', () => {
    expect(only(review((story) => story.sources.push(source('c'))), 'source-uncited').location).toEqual({ part: 'source', sourceId: 'c', field: 'role' });
    expect(count(review((story) => story.sources.push(source('c', { role: 'related' }))), 'source-uncited')).toBe(0);
  });

  it('finds two sources with the same article under different-looking URLs', () => {
    const report = review((story) => {
      story.sources[1]!.URL = 'https://WWW.news.example/a/?utm_source=feed#top';
      story.sources[0]!.URL = 'http://news.example/a';
    });
    expect(only(report, 'source-duplicate-url')).toMatchObject({ place: 'Source [2] «Title of b»', location: { sourceId: 'b', field: 'URL' } });
  });

  it('finds sources without URL, title, outlet or date', () => {
    const report = review((story) => {
      const first = story.sources[0]!;
      delete first.URL;
      delete first.issued;
      first.title = ' ';
      delete first['container-title'];
    });
    for (const code of ['source-url-missing', 'source-title-missing', 'source-outlet-missing'] as const) expect(only(report, code).severity).toBe('blocker');
    expect(only(report, 'source-date-missing').severity).toBe('warning');
  });

  it('finds a section resting on one source, from the threshold on', () => {
    const story = smallStory();
    story.sections[0]!.body = [paragraph(text('Only one source'), cite('a'), text('.'))];
    expect(only(reviewCoverage(story), 'section-single-source').message).toBe(
      'Every citation in this section points at one source, [1], though the story has 2 sources.',
    );
    expect(count(reviewCoverage(story, mergeCoverageRules({ singleSourceThreshold: 3 })), 'section-single-source')).toBe(0);
  });

  it('finds one source or one outlet holding too large a share', () => {
    const story = smallStory();
    story.sources.push(source('c', { 'container-title': 'Outlet of a' }));
    story.sections[0]!.body = [paragraph(text('One'), cite('a'), text('. Two'), cite('a'), text('. Three'), cite('c'), text('. Four'), cite('b'), text('.'))];
    const report = reviewCoverage(story);
    // a: 2 citations, c: 1, b: 2 (one in the timeline) — no source above half, but "Outlet of a" holds 3 of 5.
    expect(count(report, 'source-dominant')).toBe(0);
    expect(only(report, 'outlet-dominant').message).toBe("Outlet of a holds 3 of the story's 5 citations (60%), more than the 50% limit.");
    expect(report.figures.largestOutletShare).toEqual({ outlet: 'Outlet of a', citations: 3, share: 0.6 });
    expect(report.figures.distinctOutlets).toBe(2);
    expect(count(reviewCoverage(story, mergeCoverageRules({ outletShareLimit: 0.6 })), 'outlet-dominant')).toBe(0);
  });

  it('finds hero problems: missing, no alt text, no credit, no caption', () => {
    expect(only(review((story) => delete story.hero), 'hero-missing').severity).toBe('info');
    const report = review((story) => {
      story.hero!.alt = '';
      story.hero!.credit = ' ';
      story.hero!.caption = '';
    });
    expect(only(report, 'hero-alt-missing')).toMatchObject({ severity: 'blocker', place: 'Hero image, alt text', location: { part: 'hero', field: 'alt' } });
    expect(only(report, 'hero-credit-missing').severity).toBe('blocker');
    expect(only(report, 'hero-caption-missing').severity).toBe('warning');
  });

  it('finds a missing headline, a missing heading and an empty section', () => {
    const report = review((story) => {
      story.title = '';
      story.sections.push({ id: 's2', heading: '', body: [] });
    });
    expect(only(report, 'title-missing').location).toEqual({ part: 'story', field: 'title' });
    expect(only(report, 'section-heading-missing').place).toBe('Section 2');
    expect(only(report, 'section-empty').location).toEqual({ part: 'section', sectionId: 's2', field: 'body' });
  });

  it('gives every finding code a way to be produced, and a severity the rules can change or turn off', () => {
    const story = smallStory();
    story.timeline[0]!.body = [text('No citation.')];
    const asWarning = reviewCoverage(story, mergeCoverageRules({ severities: { 'timeline-entry-uncited': 'warning' } }));
    expect(only(asWarning, 'timeline-entry-uncited').severity).toBe('warning');
    expect(asWarning.counts.blocker).toBe(0);
    expect(count(reviewCoverage(story, mergeCoverageRules({ severities: { 'timeline-entry-uncited': 'off' } })), 'timeline-entry-uncited')).toBe(0);
    expect(FINDING_CODES).toHaveLength(27);
  });
});

describe('rules', () => {
  it('lay the story over the library over the defaults, severities code by code', () => {
    const story = { coverageRules: { singleSourceThreshold: 5, severities: { 'hero-missing': 'off' as const } } };
    const rules = rulesForStory(story, { singleSourceThreshold: 3, citationUnit: 'paragraph', severities: { 'source-date-missing': 'blocker' } }, { sourceShareLimit: 0.8 });
    expect(rules).toMatchObject({
      singleSourceThreshold: 5,
      citationUnit: 'paragraph',
      sourceShareLimit: 0.8,
      severities: { 'hero-missing': 'off', 'source-date-missing': 'blocker' },
    });
  });

  it('come from the story itself when the review is given none', () => {
    const story = smallStory();
    story.timeline[0]!.body = [text('No citation.')];
    story.coverageRules = { severities: { 'timeline-entry-uncited': 'info' } };
    expect(only(reviewCoverage(story), 'timeline-entry-uncited').severity).toBe('info');
  });
});

describe('sentences', () => {
  it('splits the seed paragraphs into three sentences each, with their citations', () => {
    for (const section of sampleStory().sections) {
      const sentences = splitSentences(section.body[0]!.content);
      expect(sentences).toHaveLength(3);
      expect(sentences.map((sentence) => sentence.citations)).toEqual([[1], [3], [5]]);
    }
  });

  it('does not end a sentence at a title, an initial or an abbreviated month', () => {
    const sentences = splitSentences([text('Dr. Kim met Robert K. Lee on Feb. 2, 2026, in the U.S. capital. He left.')]);
    expect(sentences.map((sentence) => sentence.text)).toEqual(['Dr. Kim met Robert K. Lee on Feb. 2, 2026, in the U.S. capital.', 'He left.']);
  });

  it('keeps U+2011 and U+202F inside sentences, and ranges that select exactly the sentence', () => {
    const content = [text('High\u2011level talks ended on Dec\u202f4. The next round follows.')];
    const sentences = splitSentences(content);
    expect(sentences.map((sentence) => sentence.text)).toEqual(['High\u2011level talks ended on Dec\u202f4.', 'The next round follows.']);
    const whole = 'High\u2011level talks ended on Dec\u202f4. The next round follows.';
    for (const sentence of sentences) expect(whole.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });

  it('gives no sentence for content without letters or digits', () => {
    expect(splitSentences([cite('a'), text(' . ')])).toEqual([]);
  });
});

describe('properties', () => {
  const sample = sampleStory();
  const ids = sample.sources.map((source) => source.id);
  const edits = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('merge' as const), survivor: fc.constantFrom(...ids), merged: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
    ),
    { maxLength: 6 },
  );

  type Edit = { kind: 'merge'; survivor: string; merged: string } | { kind: 'delete'; id: string };

  function applyEdits(list: readonly Edit[]): Story {
    let story = sampleStory();
    for (const edit of list) {
      const known = new Set(story.sources.map((source) => source.id));
      if (edit.kind === 'merge' && edit.survivor !== edit.merged && known.has(edit.survivor) && known.has(edit.merged)) story = mergeSources(story, edit.survivor, edit.merged);
      if (edit.kind === 'delete' && known.has(edit.id)) story = deleteSource(story, edit.id, { removeCitations: true });
    }
    return story;
  }

  it('merging and deleting sources never leaves a dangling citation, and every location points into the story', () => {
    fc.assert(
      fc.property(edits, (list) => {
        const story = applyEdits(list);
        const report = reviewCoverage(story);
        expect(codes(report)).not.toContain('citation-dangling');
        for (const { location } of report.findings) {
          if (location.part === 'section') {
            const section = story.sections.find((candidate) => candidate.id === location.sectionId);
            expect(section).toBeDefined();
            if (location.paragraph !== undefined && location.sentence) {
              const content = section!.body[location.paragraph]!.content;
              expect(location.sentence.end).toBeLessThanOrEqual(inlineText(content).length);
            }
          }
          if (location.part === 'timeline') expect(story.timeline.some((entry) => entry.id === location.entryId)).toBe(true);
          if (location.part === 'source') expect(story.sources.some((source) => source.id === location.sourceId)).toBe(true);
        }
        expect(report.figures.sentences.total).toBe(15);
      }),
      { numRuns: 200 },
    );
  });
});
