// Checks the citation edits an editor makes (attach, detach, replace, merge and delete sources)
// on the sample story and on small hand-built stories, and, over generated stories, that no edit
// ever changes text, breaks the schema, leaves a reference behind or spoils the numbering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachCitation,
  type CitationRef,
  citationOccurrences,
  danglingSourceIds,
  deleteSource,
  detachCitation,
  type InlinePlace,
  inlinesAt,
  mergeSources,
  placesCiting,
  replaceCitation,
  SourceInUseError,
} from '../shared/citation-edits';
import { citationNumbers, citationsInReadingOrder } from '../shared/citations';
import { InvalidInputError } from '../shared/errors';
import { CITATION_ORDERS, type Citation, type Inline, type Mark, type Source, type Story, StorySchema, type TextRun } from '../shared/model';
import { inlineText } from '../shared/story-text';
import { sampleStory } from './helpers/library';

// ---------------------------------------------------------------------------------------------
// Helpers

const text = (value: string, marks?: Mark[]): TextRun => (marks === undefined ? { type: 'text', text: value } : { type: 'text', text: value, marks });
const cite = (...sources: string[]): Citation => ({ type: 'citation', sources });
const bold: Mark = { type: 'bold' };
const italic: Mark = { type: 'italic' };

function source(id: string, fields: Partial<Source> = {}): Source {
  return { id, role: 'cited', ...fields };
}

/** A small story: one section «Talks» with the given paragraphs, timeline entries «Day 1», «Day 2», … */
function storyOf(parts: { paragraphs?: Inline[][]; timeline?: Inline[][]; sources?: Source[]; heading?: string }): Story {
  return {
    id: 'small',
    slug: 'small',
    title: 'Small story',
    feed: 'Desk',
    status: 'draft',
    sections: [{ id: 's1', heading: parts.heading ?? 'Talks', body: (parts.paragraphs ?? []).map((content) => ({ type: 'paragraph', content })) }],
    sources: parts.sources ?? [source('src-a'), source('src-b'), source('src-c')],
    timeline: (parts.timeline ?? []).map((body, index) => ({ id: `t${index + 1}`, date: { label: `Day ${index + 1}` }, body })),
    citationOrder: 'manual',
    citationStyle: 'separate',
    createdAt: '2026-02-02T09:30:00.000Z',
    updatedAt: '2026-02-02T09:30:00.000Z',
    revision: 0,
  };
}

const paragraphOne: InlinePlace = { part: 'section', sectionId: 's1', paragraph: 0 };
const paragraphOf = (story: Story, paragraph = 0): readonly Inline[] => inlinesAt(story, { part: 'section', sectionId: 's1', paragraph });

/** The sample's first section, and the one the seed page numbers 2. */
const WARSAW: InlinePlace = { part: 'section', sectionId: 'section-inaugural-talks-in-warsaw', paragraph: 0 };
const OFFICIALS: InlinePlace = { part: 'section', sectionId: 'section-senior-officials-lead', paragraph: 0 };
const NEWEST = 'src-2026-02-02';

/** The text of every paragraph and timeline entry, citations left out, in reading order. */
function textsOf(story: Story): string[] {
  return [
    ...story.sections.flatMap((section) => section.body.map((paragraph) => inlineText(paragraph.content))),
    ...story.timeline.map((entry) => inlineText(entry.body)),
  ];
}

function allInlineArrays(story: Story): Inline[][] {
  return [...story.sections.flatMap((section) => section.body.map((paragraph) => paragraph.content)), ...story.timeline.map((entry) => entry.body)];
}

const markKey = (marks: readonly Mark[] = []) =>
  marks
    .map((mark) => (mark.type === 'link' ? `link ${mark.href}` : mark.type))
    .sort()
    .join('+');

/** No empty runs and no two neighbouring runs with the same marks. */
function isCanonical(inlines: readonly Inline[]): boolean {
  return inlines.every((inline, index) => {
    if (inline.type !== 'text') return true;
    const previous = inlines[index - 1];
    return inline.text !== '' && !(previous?.type === 'text' && markKey(previous.marks) === markKey(inline.marks));
  });
}

/** The same content with neighbouring runs of equal marks joined, as the generator's output must be. */
function canonical(inlines: readonly Inline[]): Inline[] {
  const result: Inline[] = [];
  for (const inline of inlines) {
    const previous = result.at(-1);
    if (inline.type === 'text' && previous?.type === 'text' && markKey(previous.marks) === markKey(inline.marks)) {
      result[result.length - 1] = { ...previous, text: previous.text + inline.text };
    } else result.push(inline);
  }
  return result;
}

/** Freezes a value and everything in it, so that any mutation by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A frozen sample story: every edit must leave its input alone. */
function frozenSample(): Story {
  return deepFreeze(sampleStory());
}

/** Runs `edit` and returns the InvalidInputError it must throw. */
function refusal(edit: () => unknown): InvalidInputError {
  try {
    edit();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('the edit was accepted, but it should have been refused');
}

function expectValid(story: Story): void {
  const result = StorySchema.safeParse(story);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/**
 * Under every citation order, the cited (non-dangling) sources number 1..n one to one and the
 * uncited ones n+1..total: the numbers in the text run from 1 without gaps.
 */
function expectNumbersOneToOne(story: Story): void {
  const known = new Set(story.sources.map((item) => item.id));
  const cited = new Set(citationOccurrences(story).flatMap(({ citation }) => citation.sources.filter((id) => known.has(id))));
  for (const citationOrder of CITATION_ORDERS) {
    const numbers = citationNumbers({ ...story, citationOrder });
    expect([...numbers.keys()].sort()).toEqual([...known].sort());
    const numbersOf = (ids: string[]) => ids.map((id) => numbers.get(id) ?? 0).sort((a, b) => a - b);
    expect(numbersOf([...cited])).toEqual(range(1, cited.size));
    expect(numbersOf([...known].filter((id) => !cited.has(id)))).toEqual(range(cited.size + 1, known.size));
  }
}

// ---------------------------------------------------------------------------------------------
// Finding citations

describe('citationOccurrences and placesCiting', () => {
  it('lists every citation of the sample in reading order: 15 in the sections, then 9 in the timeline', () => {
    const story = frozenSample();
    const occurrences = citationOccurrences(story);
    expect(occurrences).toHaveLength(24);
    expect(occurrences.map(({ citation }) => citation)).toEqual(citationsInReadingOrder(story));
    expect(occurrences.slice(0, 3).map(({ ref }) => ref)).toEqual([1, 3, 5].map((index) => ({ ...WARSAW, index })));
    expect(occurrences.at(-1)).toEqual({ ref: { part: 'timeline', entryId: 'timeline-2026-02-02', index: 1 }, citation: cite(NEWEST) });
  });

  it('finds where a source is cited, and nothing for a source cited nowhere or an unknown id', () => {
    const story = frozenSample();
    expect(placesCiting(story, 'src-2026-01-22')).toEqual(
      ['timeline-2010', 'timeline-2024-late', 'timeline-2026-01-22'].map((entryId) => ({ part: 'timeline', entryId, index: 1 })),
    );
    expect(placesCiting(story, NEWEST)).toHaveLength(16);
    expect(placesCiting(story, 'no-such-source')).toEqual([]);
  });

  it('lists a source once per citation node, including several nodes in one paragraph', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('src-a', 'src-b'), text('B'), cite('src-b')]] });
    expect(placesCiting(story, 'src-b')).toEqual([
      { ...paragraphOne, index: 1 },
      { ...paragraphOne, index: 3 },
    ]);
  });
});

describe('inlinesAt', () => {
  it('returns the content of a paragraph or a timeline entry as stored', () => {
    const story = frozenSample();
    expect(inlinesAt(story, OFFICIALS)).toBe(story.sections[1]?.body[0]?.content);
    expect(inlinesAt(story, { part: 'timeline', entryId: 'timeline-2010' })).toBe(story.timeline[1]?.body);
  });

  it.each<[string, InlinePlace, string]>([
    ['an unknown section', { part: 'section', sectionId: 'nope', paragraph: 0 }, 'invalid place: sections: the story has no section with the id "nope"'],
    [
      'a paragraph past the end',
      { ...OFFICIALS, paragraph: 1 },
      'invalid place: sections[1].body: section "section-senior-officials-lead" has no paragraph at index 1 (it has 1 paragraph)',
    ],
    [
      'a negative paragraph',
      { ...OFFICIALS, paragraph: -1 },
      'invalid place: sections[1].body: section "section-senior-officials-lead" has no paragraph at index -1 (it has 1 paragraph)',
    ],
    ['an unknown timeline entry', { part: 'timeline', entryId: 'nope' }, 'invalid place: timeline: the story has no timeline entry with the id "nope"'],
  ])('refuses %s, naming the place', (_what, place, message) => {
    expect(refusal(() => inlinesAt(frozenSample(), place)).message).toBe(message);
  });
});

describe('danglingSourceIds', () => {
  it('is empty for the sample, and lists ids whose sources are gone in reading order, each once', () => {
    const story = frozenSample();
    expect(danglingSourceIds(story)).toEqual([]);
    const trimmed = { ...story, sources: story.sources.filter((item) => item.id === 'src-2026-01-15') };
    expect(danglingSourceIds(trimmed)).toEqual([NEWEST, 'src-2026-01-13', 'src-2026-01-22', 'src-2025-12-04', 'src-2025-12-17']);
  });
});

// ---------------------------------------------------------------------------------------------
// attachCitation

describe('attachCitation', () => {
  it('inserts a citation at offset 0, before the first word', () => {
    const story = frozenSample();
    const result = attachCitation(story, OFFICIALS, 0, ['src-2026-01-15']);
    const content = inlinesAt(result, OFFICIALS);
    expect(content[0]).toEqual(cite('src-2026-01-15'));
    expect(content.slice(1)).toEqual(inlinesAt(story, OFFICIALS));
    expect(textsOf(result)).toEqual(textsOf(story));
  });

  it('inserts a citation at the end of the text, after the last run', () => {
    const story = frozenSample();
    const result = attachCitation(story, WARSAW, 451, ['src-2026-01-15']);
    expect(inlinesAt(result, WARSAW)).toEqual([...inlinesAt(story, WARSAW), cite('src-2026-01-15')]);
  });

  it('splits a run in the middle of a sentence', () => {
    const story = frozenSample();
    const result = attachCitation(story, WARSAW, 100, ['src-2026-01-15']);
    const before = inlinesAt(story, WARSAW)[0] as TextRun;
    expect(inlinesAt(result, WARSAW).slice(0, 4)).toEqual([
      text(before.text.slice(0, 100)),
      cite('src-2026-01-15'),
      text(before.text.slice(100)),
      cite(NEWEST),
    ]);
    expect(textsOf(result)).toEqual(textsOf(story));
    expect(result.sections.slice(1)).toEqual(story.sections.slice(1));
  });

  it('adds the source to the citation that already touches the offset, from either side', () => {
    const story = frozenSample();
    // "…the Polish capital" is 165 characters; the sample's [1] follows it.
    for (const ids of [['src-2026-01-22'], ['src-2026-01-22', NEWEST]]) {
      const result = attachCitation(story, WARSAW, 165, ids);
      expect(inlinesAt(result, WARSAW)).toHaveLength(7);
      expect(inlinesAt(result, WARSAW)[1]).toEqual(cite(NEWEST, 'src-2026-01-22'));
    }
    const atEnd = attachCitation(story, { part: 'timeline', entryId: 'timeline-2010' }, 149, ['src-2026-01-13']);
    expect(atEnd.timeline[1]?.body).toEqual([story.timeline[1]?.body[0], cite('src-2026-01-22', 'src-2026-01-13'), text('.')]);
    const touchingBefore = storyOf({ paragraphs: [[cite('src-a'), text('Warsaw.')]] });
    expect(paragraphOf(attachCitation(touchingBefore, paragraphOne, 0, ['src-b']))).toEqual([cite('src-a', 'src-b'), text('Warsaw.')]);
  });

  it('changes nothing when the touching citation already cites the source, and returns an equal story', () => {
    const story = frozenSample();
    const result = attachCitation(story, WARSAW, 165, [NEWEST]);
    expect(result).toEqual(story);
    expect(result).not.toBe(story);
  });

  it('gives the new ids to the first of several touching citations, skipping ids any of them cites', () => {
    const story = storyOf({ paragraphs: [[text('A.'), cite('src-a'), cite('src-b'), text(' B')]] });
    const result = attachCitation(story, paragraphOne, 2, ['src-b', 'src-c']);
    expect(paragraphOf(result)).toEqual([text('A.'), cite('src-a', 'src-c'), cite('src-b'), text(' B')]);
    expect(attachCitation(story, paragraphOne, 2, ['src-b', 'src-a'])).toEqual(story);
  });

  it('keeps the marks on both halves of a split run, each with its own copy', () => {
    const link: Mark = { type: 'link', href: 'https://example.com/warsaw' };
    const story = deepFreeze(storyOf({ paragraphs: [[text('Seoul and Warsaw', [bold, link])]] }));
    const result = attachCitation(story, paragraphOne, 5, ['src-a']);
    const content = paragraphOf(result);
    expect(content).toEqual([text('Seoul', [bold, link]), cite('src-a'), text(' and Warsaw', [bold, link])]);
    expect((content[0] as TextRun).marks).not.toBe((content[2] as TextRun).marks);
  });

  it('inserts between two runs with different marks without splitting either', () => {
    const story = storyOf({ paragraphs: [[text('Seoul', [bold]), text(' and Warsaw')]] });
    expect(paragraphOf(attachCitation(story, paragraphOne, 5, ['src-a']))).toEqual([text('Seoul', [bold]), cite('src-a'), text(' and Warsaw')]);
  });

  it('cites in an empty paragraph and an empty timeline entry at offset 0', () => {
    const story = storyOf({ paragraphs: [[]], timeline: [[]] });
    expect(paragraphOf(attachCitation(story, paragraphOne, 0, ['src-a']))).toEqual([cite('src-a')]);
    expect(attachCitation(story, { part: 'timeline', entryId: 't1' }, 0, ['src-b']).timeline[0]?.body).toEqual([cite('src-b')]);
  });

  it('cites several sources with one marker, each once, in the order given', () => {
    const story = storyOf({ paragraphs: [[text('Talks.')]] });
    expect(paragraphOf(attachCitation(story, paragraphOne, 6, ['src-c', 'src-a', 'src-c']))).toEqual([text('Talks.'), cite('src-c', 'src-a')]);
  });

  it('counts offsets in UTF-16 units of text only, and keeps U+202F and U+2011 intact', () => {
    const story = storyOf({ paragraphs: [[text('Feb\u202f2'), cite('src-a'), text(' Europe\u2011Asia 🇰🇷.')]] });
    // 'Feb\u202f2' is 5 units, ' Europe\u2011Asia ' 13, the flag 4 (two regional indicators, each a surrogate pair).
    const result = attachCitation(story, paragraphOne, 22, ['src-b']);
    expect(paragraphOf(result)).toEqual([text('Feb\u202f2'), cite('src-a'), text(' Europe\u2011Asia 🇰🇷'), cite('src-b'), text('.')]);
  });

  it.each<[string, InlinePlace, number, string[], string]>([
    ['an unknown source', WARSAW, 0, ['src-2026-01-15', 'src-unknown'], 'invalid citation: sourceIds[1]: no source has the id "src-unknown"'],
    ['an empty list of sources', WARSAW, 0, [], 'invalid citation: sourceIds: a citation cites at least one source'],
    ['a negative offset', WARSAW, -1, [NEWEST], 'invalid citation: offset: must be a whole number from 0 to 451 (the length of the text), not -1'],
    ['an offset past the end', WARSAW, 452, [NEWEST], 'invalid citation: offset: must be a whole number from 0 to 451 (the length of the text), not 452'],
    ['a fractional offset', WARSAW, 1.5, [NEWEST], 'invalid citation: offset: must be a whole number from 0 to 451 (the length of the text), not 1.5'],
    ['an unknown place', { ...WARSAW, sectionId: 'gone' }, 0, [NEWEST], 'invalid place: sections: the story has no section with the id "gone"'],
  ])('refuses %s', (_what, place, offset, ids, message) => {
    const error = refusal(() => attachCitation(frozenSample(), place, offset, ids));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe(message);
  });

  it.each<[string, string, number]>([
    ['between the halves of a surrogate pair', 'Flag 🇰🇷', 6],
    ['between the two letters of a flag', 'Flag 🇰🇷', 7],
    ['between a letter and its combining accent', 'Cafe\u0301', 4],
  ])('refuses an offset %s, which would split a character', (_what, value, offset) => {
    const story = storyOf({ paragraphs: [[text(value)]] });
    const character = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value)].at(-1)?.segment;
    expect(refusal(() => attachCitation(story, paragraphOne, offset, ['src-a'])).message).toBe(
      `invalid citation: offset: ${offset} falls inside the character ${JSON.stringify(character)}, which a citation cannot split`,
    );
    expect(paragraphOf(attachCitation(story, paragraphOne, value.length, ['src-a']))).toEqual([text(value), cite('src-a')]);
  });

  it('judges characters on the text across runs: a run boundary inside a character is no place for a citation', () => {
    const story = storyOf({ paragraphs: [[text('Cafe', [bold]), text('\u0301 open')]] });
    expect(refusal(() => attachCitation(story, paragraphOne, 4, ['src-a'])).problems[0]?.path).toBe('offset');
    expect(paragraphOf(attachCitation(story, paragraphOne, 5, ['src-a']))).toEqual([text('Cafe', [bold]), text('\u0301'), cite('src-a'), text(' open')]);
  });
});

// ---------------------------------------------------------------------------------------------
// detachCitation and replaceCitation

describe('detachCitation', () => {
  it('removes a whole marker and joins the sentences around it into one run', () => {
    const story = frozenSample();
    const result = detachCitation(story, { ...WARSAW, index: 1 });
    const before = inlinesAt(story, WARSAW);
    const after = inlinesAt(result, WARSAW);
    expect(after).toHaveLength(5);
    expect(after[0]).toEqual(text((before[0] as TextRun).text + (before[2] as TextRun).text));
    expect(after.slice(1)).toEqual(before.slice(3));
    expect(textsOf(result)).toEqual(textsOf(story));
    expect(result.sources).toBe(story.sources);
  });

  it('removes one source from a marker that cites several, keeping the order of the rest', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('src-a', 'src-b', 'src-c'), text('B')]] });
    expect(paragraphOf(detachCitation(story, { ...paragraphOne, index: 1 }, 'src-b'))).toEqual([text('A'), cite('src-a', 'src-c'), text('B')]);
  });

  it('removes the node when its last source is detached', () => {
    const story = frozenSample();
    const bySource = detachCitation(story, { ...WARSAW, index: 1 }, NEWEST);
    expect(bySource).toEqual(detachCitation(story, { ...WARSAW, index: 1 }));
  });

  it('joins runs only when their marks are equal (as sets, with no marks the same as [])', () => {
    const story = storyOf({
      paragraphs: [
        [text('a', [bold]), cite('src-a'), text('b')],
        [text('a', [bold, italic]), cite('src-a'), text('b', [italic, bold])],
        [text('a', []), cite('src-a'), text('b')],
        [cite('src-a'), text('b')],
      ],
    });
    const detached = (paragraph: number) => paragraphOf(detachCitation(story, { ...paragraphOne, paragraph, index: paragraph === 3 ? 0 : 1 }), paragraph);
    expect(detached(0)).toEqual([text('a', [bold]), text('b')]);
    expect(detached(1)).toEqual([text('ab', [bold, italic])]);
    expect(detached(2)).toEqual([text('ab', [])]);
    expect(detached(3)).toEqual([text('b')]);
  });

  it('clears a dangling id, which names no source', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('src-a', 'gone')]] });
    const result = detachCitation(story, { ...paragraphOne, index: 1 }, 'gone');
    expect(paragraphOf(result)).toEqual([text('A'), cite('src-a')]);
    expect(danglingSourceIds(result)).toEqual([]);
  });

  it('detaches in a timeline entry', () => {
    const story = frozenSample();
    const result = detachCitation(story, { part: 'timeline', entryId: 'timeline-2010', index: 1 });
    expect(result.timeline[1]?.body).toEqual([text(inlineText(story.timeline[1]?.body ?? []))]);
  });

  it.each<[string, CitationRef, string | undefined, string]>([
    [
      'a ref to a text run',
      { ...OFFICIALS, index: 0 },
      undefined,
      'invalid citation reference: sections[1].body[0].content[0]: section 2 «Senior Officials Lead Negotiations», paragraph 1 has a text run at index 0, not a citation',
    ],
    [
      'a ref past the end',
      { ...OFFICIALS, index: 7 },
      undefined,
      'invalid citation reference: sections[1].body[0].content[7]: section 2 «Senior Officials Lead Negotiations», paragraph 1 has no inline node at index 7 (it has 7)',
    ],
    [
      'a ref to a text run in the timeline',
      { part: 'timeline', entryId: 'timeline-2024-late', index: 2 },
      undefined,
      'invalid citation reference: timeline[2].body[2]: timeline entry 3 «Late\u202f2024» has a text run at index 2, not a citation',
    ],
    [
      'a source the citation does not cite',
      { ...OFFICIALS, index: 1 },
      'src-2026-01-22',
      'invalid citation: sections[1].body[0].content[1].sources: the citation does not cite "src-2026-01-22"',
    ],
  ])('refuses %s', (_what, ref, sourceId, message) => {
    expect(refusal(() => detachCitation(frozenSample(), ref, sourceId)).message).toBe(message);
  });
});

describe('replaceCitation', () => {
  it('replaces the sources of one marker, deduplicated in the order given', () => {
    const story = frozenSample();
    const result = replaceCitation(story, { ...OFFICIALS, index: 3 }, ['src-2026-01-22', 'src-2026-01-13', 'src-2026-01-22']);
    expect(inlinesAt(result, OFFICIALS)[3]).toEqual(cite('src-2026-01-22', 'src-2026-01-13'));
    expect(citationOccurrences(result).filter(({ citation }) => citation.sources.includes(NEWEST))).toHaveLength(15);
    expect(textsOf(result)).toEqual(textsOf(story));
  });

  it.each<[string, CitationRef, string[], string]>([
    ['an empty list', { ...OFFICIALS, index: 1 }, [], 'invalid citation: sourceIds: a citation cites at least one source'],
    ['an unknown source', { ...OFFICIALS, index: 1 }, ['gone'], 'invalid citation: sourceIds[0]: no source has the id "gone"'],
    [
      'a ref to a text run',
      { ...OFFICIALS, index: 2 },
      [NEWEST],
      'invalid citation reference: sections[1].body[0].content[2]: section 2 «Senior Officials Lead Negotiations», paragraph 1 has a text run at index 2, not a citation',
    ],
  ])('refuses %s', (_what, ref, ids, message) => {
    expect(refusal(() => replaceCitation(frozenSample(), ref, ids)).message).toBe(message);
  });
});

// ---------------------------------------------------------------------------------------------
// mergeSources

describe('mergeSources', () => {
  it('moves every citation of the merged source to the survivor and drops the merged one from the list', () => {
    const story = frozenSample();
    const result = mergeSources(story, 'src-2026-01-22', 'src-2026-01-13');
    expect(result.sources.map((item) => item.id)).toEqual(['src-2026-02-02', 'src-2026-01-22', 'src-2026-01-15', 'src-2025-12-17', 'src-2025-12-04']);
    expect(result.sources[1]).toEqual(story.sources[1]);
    expect(placesCiting(result, 'src-2026-01-13')).toEqual([]);
    expect(placesCiting(result, 'src-2026-01-22').map((ref) => (ref.part === 'timeline' ? ref.entryId : ref.sectionId))).toEqual([
      'timeline-1950-1953',
      'timeline-2010',
      'timeline-2024-late',
      'timeline-2026-01-13',
      'timeline-2026-01-22',
    ]);
    expect(textsOf(result)).toEqual(textsOf(story));
    expect(result.sections).toBe(story.sections);
    expectNumbersOneToOne(result);
  });

  it('keeps the survivor once, where either first appeared, in a citation that cites both', () => {
    const story = storyOf({
      paragraphs: [[text('A'), cite('src-c', 'src-b', 'src-a'), text('B'), cite('src-a', 'src-c'), text('C'), cite('src-c')]],
    });
    expect(paragraphOf(mergeSources(story, 'src-a', 'src-c'))).toEqual([
      text('A'),
      cite('src-a', 'src-b'),
      text('B'),
      cite('src-a'),
      text('C'),
      cite('src-a'),
    ]);
  });

  it('fills the survivor’s missing fields from the merged source; the survivor’s own values win', () => {
    const survivor = source('src-a', { title: 'Seoul and Warsaw talk security', issued: '2026-02' });
    const merged = source('src-b', {
      title: 'Korea, Poland hold first dialogue',
      URL: 'https://example.com/korea-poland',
      'container-title': 'Yonhap',
      author: [{ family: 'Kim', given: 'Soo-min' }],
      issued: '2026-02-02',
      role: 'related',
    });
    const story = storyOf({ sources: [merged, source('src-c'), { ...survivor, role: 'related' }] });
    const result = mergeSources(story, 'src-a', 'src-b');
    expect(result.sources).toEqual([
      source('src-c'),
      {
        id: 'src-a',
        title: 'Seoul and Warsaw talk security',
        issued: '2026-02',
        URL: 'https://example.com/korea-poland',
        'container-title': 'Yonhap',
        author: [{ family: 'Kim', given: 'Soo-min' }],
        role: 'related',
      },
    ]);
    expect(mergeSources(storyOf({ sources: [survivor, merged] }), 'src-b', 'src-a').sources[0]?.role).toBe('cited');
  });

  it('leaves dangling ids as they were', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('gone', 'src-b'), text('B'), cite('src-a')]] });
    const result = mergeSources(story, 'src-a', 'src-b');
    expect(paragraphOf(result)).toEqual([text('A'), cite('gone', 'src-a'), text('B'), cite('src-a')]);
    expect(danglingSourceIds(result)).toEqual(['gone']);
  });

  it.each<[string, string, string, string]>([
    ['a source into itself', NEWEST, NEWEST, 'invalid source merge: mergedId: a source cannot be merged into itself'],
    ['an unknown survivor', 'gone', NEWEST, 'invalid source merge: survivorId: no source has the id "gone"'],
    ['an unknown merged source', NEWEST, 'gone', 'invalid source merge: mergedId: no source has the id "gone"'],
    [
      'two unknown sources',
      'gone-1',
      'gone-2',
      'invalid source merge: survivorId: no source has the id "gone-1"; mergedId: no source has the id "gone-2"',
    ],
  ])('refuses to merge %s', (_what, survivorId, mergedId, message) => {
    expect(refusal(() => mergeSources(frozenSample(), survivorId, mergedId)).message).toBe(message);
  });
});

// ---------------------------------------------------------------------------------------------
// deleteSource

describe('deleteSource', () => {
  it('refuses to delete a cited source, listing every place for people and for code', () => {
    const story = frozenSample();
    const error = refusal(() => deleteSource(story, NEWEST));
    expect(error).toBeInstanceOf(SourceInUseError);
    if (!(error instanceof SourceInUseError)) return;
    expect(error.code).toBe('invalid-input');
    expect(error.name).toBe('SourceInUseError');
    expect(error.sourceId).toBe(NEWEST);
    expect(error.places).toEqual(placesCiting(story, NEWEST));
    expect(error.toPayload().details).toEqual({ problems: error.problems, sourceId: NEWEST, places: error.places });
    expect(error.problems).toHaveLength(16);
    expect(error.problems[0]).toEqual({
      path: 'sections[0].body[0].content[1]',
      message: 'cited in section 1 «Inaugural Security Talks Held in Warsaw», paragraph 1',
    });
    expect(error.problems[3]).toEqual({
      path: 'sections[1].body[0].content[1]',
      message: 'cited in section 2 «Senior Officials Lead Negotiations», paragraph 1',
    });
    expect(error.problems[15]).toEqual({ path: 'timeline[8].body[1]', message: 'cited in timeline entry 9 «Feb\u202f2,\u202f2026»' });
    expect(error.message).toMatch(
      /^invalid deletion of source "src-2026-02-02", which is still cited: sections\[0\]\.body\[0\]\.content\[1\]: cited in section 1 «Inaugural Security Talks Held in Warsaw», paragraph 1; .* \(and 11 more\)$/,
    );
  });

  it('names an untitled section plainly', () => {
    const story = storyOf({ heading: '', paragraphs: [[text('A'), cite('src-a')]] });
    expect(refusal(() => deleteSource(story, 'src-a')).problems).toEqual([
      { path: 'sections[0].body[0].content[1]', message: 'cited in section 1 (untitled), paragraph 1' },
    ]);
  });

  it('with removeCitations, removes the source from every citation and then from the list', () => {
    const story = frozenSample();
    const result = deleteSource(story, NEWEST, { removeCitations: true });
    expect(result.sources.map((item) => item.id)).not.toContain(NEWEST);
    expect(result.sources).toHaveLength(5);
    for (const section of result.sections) expect(section.body[0]?.content).toEqual([text(inlineText(section.body[0]?.content ?? []))]);
    expect(result.timeline[8]?.body).toHaveLength(1);
    expect(result.timeline.slice(0, 8)).toEqual(story.timeline.slice(0, 8));
    expect(placesCiting(result, NEWEST)).toEqual([]);
    expect(textsOf(result)).toEqual(textsOf(story));
    expectValid(result);
    expectNumbersOneToOne(result);
    expect(citationNumbers(result).get('src-2026-01-22')).toBe(1);
  });

  it('keeps a marker that still cites other sources', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('src-a', 'src-b'), text('B'), cite('src-b'), text('C')]] });
    expect(paragraphOf(deleteSource(story, 'src-b', { removeCitations: true }))).toEqual([text('A'), cite('src-a'), text('BC')]);
  });

  it('deletes a source cited nowhere without asking', () => {
    const story = deepFreeze(storyOf({ paragraphs: [[text('A'), cite('src-a')]] }));
    const result = deleteSource(story, 'src-c');
    expect(result.sources.map((item) => item.id)).toEqual(['src-a', 'src-b']);
    expect(result.sections).toBe(story.sections);
  });

  it('refuses an unknown id, even one that dangling citations still name', () => {
    const story = storyOf({ paragraphs: [[text('A'), cite('gone')]] });
    expect(refusal(() => deleteSource(story, 'gone', { removeCitations: true })).message).toBe(
      'invalid source deletion: sourceId: no source has the id "gone"',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over generated stories

const KNOWN_POOL = ['src-a', 'src-b', 'src-c', 'src-d', 'src-e'];
const DANGLING_POOL = ['gone-x', 'gone-y'];
const MARK_SETS: Mark[][] = [[], [bold], [italic], [bold, italic], [italic, bold], [{ type: 'link', href: 'https://example.com/a' }]];
const FRAGMENTS = ['Warsaw talks', 'Europe\u2011Asia', 'it\u2019s', 'Feb\u202f2', ' ', '.', '🇰🇷 flag', 'é', 'e\u0301', '\u0301'];

const textRunArbitrary = fc
  .record({
    text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ minLength: 1, maxLength: 6 })),
    marks: fc.option(fc.constantFrom(...MARK_SETS), { nil: undefined }),
  })
  .map(({ text: value, marks }) => text(value, marks));

const sourceArbitrary = (id: string): fc.Arbitrary<Source> =>
  fc
    .record(
      {
        issued: fc.constantFrom('2025-12-04', '2026', '2026-02', '2026-02-02', '2026-01-13'),
        title: fc.constantFrom('Talks in Warsaw', 'Dialogue in Brussels'),
        role: fc.constantFrom('cited' as const, 'related' as const),
      },
      { requiredKeys: ['role'] },
    )
    .map((fields) => ({ id, ...fields }));

/** A valid story: a few sources in any order, sections and a timeline mixing text and citations. */
const storyArbitrary: fc.Arbitrary<Story> = fc
  .record({
    sourceIds: fc.shuffledSubarray(KNOWN_POOL, { minLength: 1 }),
    withDangling: fc.boolean(),
  })
  .chain(({ sourceIds, withDangling }) => {
    const citable = withDangling ? [...sourceIds, ...DANGLING_POOL] : sourceIds;
    const citationArbitrary = fc.uniqueArray(fc.constantFrom(...citable), { minLength: 1, maxLength: 3 }).map((ids) => cite(...ids));
    const inlinesArbitrary = fc.array(fc.oneof(textRunArbitrary, citationArbitrary), { maxLength: 7 }).map(canonical);
    return fc.record({
      sources: fc.tuple(...sourceIds.map(sourceArbitrary)),
      sections: fc.array(
        fc.record({ heading: fc.constantFrom('Talks', '', 'Europe\u2011Asia'), paragraphs: fc.array(inlinesArbitrary, { maxLength: 3 }) }),
        { maxLength: 3 },
      ),
      timeline: fc.array(inlinesArbitrary, { maxLength: 3 }),
      citationOrder: fc.constantFrom(...CITATION_ORDERS),
    });
  })
  .map(({ sources, sections, timeline, citationOrder }) => ({
    ...storyOf({ sources, timeline }),
    sections: sections.map(({ heading, paragraphs }, index) => ({
      id: `section-${index + 1}`,
      heading,
      body: paragraphs.map((content) => ({ type: 'paragraph' as const, content })),
    })),
    citationOrder,
  }));

function placesOf(story: Story): InlinePlace[] {
  return [
    ...story.sections.flatMap((section) => section.body.map((_, paragraph): InlinePlace => ({ part: 'section', sectionId: section.id, paragraph }))),
    ...story.timeline.map((entry): InlinePlace => ({ part: 'timeline', entryId: entry.id })),
  ];
}

type Edit =
  | { kind: 'attach'; place: InlinePlace; offset: number; ids: string[] }
  | { kind: 'detach'; ref: CitationRef; sourceId: string | undefined }
  | { kind: 'replace'; ref: CitationRef; ids: string[] }
  | { kind: 'merge'; survivorId: string; mergedId: string }
  | { kind: 'delete'; sourceId: string };

/** An attach somewhere in `story`, which must have at least one paragraph or timeline entry. */
function attachArbitrary(story: Story): fc.Arbitrary<Extract<Edit, { kind: 'attach' }>> {
  const known = story.sources.map((item) => item.id);
  return fc
    .constantFrom(...placesOf(story))
    .chain((place) =>
      fc.record({
        place: fc.constant(place),
        offset: fc.nat({ max: inlineText(inlinesAt(story, place)).length }),
        ids: fc.shuffledSubarray(known, { minLength: 1 }),
      }),
    )
    .map((edit) => ({ kind: 'attach' as const, ...edit }));
}

/** Every kind of edit that applies to `story`, with arguments the edit accepts. */
function editArbitrary(story: Story): fc.Arbitrary<Edit> {
  const known = story.sources.map((item) => item.id);
  const occurrences = citationOccurrences(story);
  const edits: fc.Arbitrary<Edit>[] = [fc.constantFrom(...known).map((sourceId) => ({ kind: 'delete' as const, sourceId }))];
  if (placesOf(story).length > 0) edits.push(attachArbitrary(story));
  if (occurrences.length > 0) {
    edits.push(
      fc
        .constantFrom(...occurrences)
        .chain(({ ref, citation }) =>
          fc.record({ ref: fc.constant(ref), sourceId: fc.option(fc.constantFrom(...citation.sources), { nil: undefined }) }),
        )
        .map((edit) => ({ kind: 'detach' as const, ...edit })),
      fc
        .record({ ref: fc.constantFrom(...occurrences.map(({ ref }) => ref)), ids: fc.shuffledSubarray(known, { minLength: 1 }) })
        .map((edit) => ({ kind: 'replace' as const, ...edit })),
    );
  }
  if (known.length > 1) {
    edits.push(
      fc
        .shuffledSubarray(known, { minLength: 2, maxLength: 2 })
        .map(([survivorId = '', mergedId = '']) => ({ kind: 'merge' as const, survivorId, mergedId })),
    );
  }
  return fc.oneof(...edits);
}

/** Offsets where a character (grapheme cluster) ends, and so where a citation may go. */
function characterBoundaries(value: string): Set<number> {
  const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value)];
  return new Set([0, ...segments.map((segment) => segment.index + segment.segment.length)]);
}

/** Applies an edit; an attach inside a character is the one refusal a generated edit may meet. */
function applyEdit(story: Story, edit: Edit): Story | undefined {
  switch (edit.kind) {
    case 'attach': {
      if (!characterBoundaries(inlineText(inlinesAt(story, edit.place))).has(edit.offset)) {
        expect(() => attachCitation(story, edit.place, edit.offset, edit.ids)).toThrow(/which a citation cannot split/);
        return undefined;
      }
      return attachCitation(story, edit.place, edit.offset, edit.ids);
    }
    case 'detach':
      return detachCitation(story, edit.ref, edit.sourceId);
    case 'replace':
      return replaceCitation(story, edit.ref, edit.ids);
    case 'merge':
      return mergeSources(story, edit.survivorId, edit.mergedId);
    case 'delete':
      return deleteSource(story, edit.sourceId, { removeCitations: true });
  }
}

const storyAndEdit = storyArbitrary.chain((story) => fc.tuple(fc.constant(story), editArbitrary(story)));

describe('properties of every edit', () => {
  it('the generator makes valid, canonical stories', () => {
    fc.assert(
      fc.property(storyArbitrary, (story) => {
        expectValid(story);
        expect(allInlineArrays(story).every(isCanonical)).toBe(true);
      }),
    );
  });

  it('never changes text, never mutates its input, and returns a valid canonical story', () => {
    fc.assert(
      fc.property(storyAndEdit, ([story, edit]) => {
        const before = structuredClone(story);
        const result = applyEdit(deepFreeze(story), edit);
        expect(story).toEqual(before);
        if (result === undefined) return;
        expect(result).not.toBe(story);
        expect(textsOf(result)).toEqual(textsOf(story));
        expectValid(result);
        expect(allInlineArrays(result).filter((inlines) => !isCanonical(inlines))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps citation numbers one to one, 1..n for cited sources and n+1..total for the rest, under every order', () => {
    fc.assert(
      fc.property(storyAndEdit, ([story, edit]) => {
        expectNumbersOneToOne(story);
        const result = applyEdit(story, edit);
        if (result !== undefined) expectNumbersOneToOne(result);
      }),
      { numRuns: 200 },
    );
  });

  it('attach leaves every requested source cited by a marker at the offset', () => {
    fc.assert(
      fc.property(
        storyArbitrary.filter((story) => placesOf(story).length > 0).chain((story) => fc.tuple(fc.constant(story), attachArbitrary(story))),
        ([story, edit]) => {
          const result = applyEdit(story, edit);
          if (result === undefined) return;
          let position = 0;
          const citedAtOffset = new Set<string>();
          for (const inline of inlinesAt(result, edit.place)) {
            if (inline.type === 'text') position += inline.text.length;
            else if (position === edit.offset) for (const id of inline.sources) citedAtOffset.add(id);
          }
          for (const id of edit.ids) expect(citedAtOffset).toContain(id);
          const added = citationOccurrences(result).length - citationOccurrences(story).length;
          expect(added === 0 || added === 1).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('after mergeSources no citation names the merged id, and dangling ids are unchanged', () => {
    fc.assert(
      fc.property(
        storyArbitrary.filter((story) => story.sources.length > 1),
        fc.nat(),
        fc.nat(),
        (story, first, second) => {
          const ids = story.sources.map((item) => item.id);
          const survivorId = ids[first % ids.length] ?? '';
          const mergedId = ids.filter((id) => id !== survivorId)[second % (ids.length - 1)] ?? '';
          const result = mergeSources(story, survivorId, mergedId);
          expect(placesCiting(result, mergedId)).toEqual([]);
          expect(result.sources.map((item) => item.id)).toEqual(ids.filter((id) => id !== mergedId));
          expect(danglingSourceIds(result)).toEqual(danglingSourceIds(story));
          const wasCited = placesCiting(story, survivorId).length + placesCiting(story, mergedId).length > 0;
          expect(placesCiting(result, survivorId).length > 0).toBe(wasCited);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('deleteSource refuses while the source is cited, and with removeCitations leaves no reference to it', () => {
    fc.assert(
      fc.property(storyArbitrary, fc.nat(), (story, pick) => {
        const sourceId = story.sources[pick % story.sources.length]?.id ?? '';
        const places = placesCiting(story, sourceId);
        if (places.length > 0) {
          const error = refusal(() => deleteSource(story, sourceId));
          expect(error).toBeInstanceOf(SourceInUseError);
          expect(error instanceof SourceInUseError ? error.places : []).toEqual(places);
          expect(error.problems).toHaveLength(places.length);
        } else {
          expect(deleteSource(story, sourceId)).toEqual(deleteSource(story, sourceId, { removeCitations: true }));
        }
        const result = deleteSource(story, sourceId, { removeCitations: true });
        expect(placesCiting(result, sourceId)).toEqual([]);
        expect(result.sources.some((item) => item.id === sourceId)).toBe(false);
        expect(danglingSourceIds(result)).toEqual(danglingSourceIds(story));
      }),
      { numRuns: 200 },
    );
  });

  it('reordering the sources list never changes text and keeps the numbers one to one', () => {
    fc.assert(
      fc.property(
        storyArbitrary.chain((story) => fc.tuple(fc.constant(story), fc.shuffledSubarray(story.sources, { minLength: story.sources.length }))),
        ([story, reordered]) => {
          const result = { ...story, sources: reordered };
          expect(textsOf(result)).toEqual(textsOf(story));
          expect(citationOccurrences(result)).toEqual(citationOccurrences(story));
          expectNumbersOneToOne(result);
        },
      ),
    );
  });
});
