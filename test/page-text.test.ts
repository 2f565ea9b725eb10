// Checks the plain-text page renderer against the seed page (byte for byte) and the citation
// numbering policies it relies on, with small hand-made stories for each rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationMarker, citationNumbers } from '../shared/citations';
import { type Story, StorySchema } from '../shared/model';
import { renderStoryText } from '../shared/page-text';
import sampleJson from '../shared/sample/sample-story.json';
import { bareSource as source, cite, makeStory, text } from './helpers/stories';

const seedBytes = readFileSync(join(import.meta.dirname, 'fixtures', 'seed-story.txt'));
const seed = seedBytes.toString('utf8');
const sample: Story = StorySchema.parse(sampleJson);


const numbersInOrder = (story: Story): Array<[string, number]> => [...citationNumbers(story)].sort((a, b) => a[1] - b[1]);
const countOf = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describe('renderStoryText and the seed page', () => {
  it('renders the sample story as the seed page, byte for byte', () => {
    const rendered = renderStoryText(sample);
    expect(rendered).toBe(seed);
    expect(Buffer.from(rendered, 'utf8').equals(seedBytes)).toBe(true);
  });

  it('ends without a trailing newline', () => {
    expect(renderStoryText(sample).endsWith('All related articles (6 articles)')).toBe(true);
  });

  it('keeps every special character of the seed, as many times as the seed has it', () => {
    const rendered = renderStoryText(sample);
    const expected = { '\u2011': 20, '\u2013': 9, '\u2019': 6, '\u2022': 1, '\u202f': 53 };
    for (const [character, count] of Object.entries(expected)) {
      expect(countOf(seed, character), `seed U+${character.codePointAt(0)?.toString(16)}`).toBe(count);
      expect(countOf(rendered, character), `rendered U+${character.codePointAt(0)?.toString(16)}`).toBe(count);
    }
    // No other character outside ASCII, and no ASCII stand-in for U+202F before a marker.
    expect(new Set(rendered.match(/[^\t\n\x20-\x7e]/g))).toEqual(new Set(Object.keys(expected)));
    expect(rendered).not.toMatch(/ \[\d\]/);
    expect(countOf(rendered, '\u202f[')).toBe(15 + 9);
  });

  it('uses U+2013 only as the timeline separator', () => {
    const rendered = renderStoryText(sample);
    const timelineBlocks = rendered.split('\n\nTimeline\n\n')[1]?.split('\n\n').slice(0, -1) ?? [];
    expect(timelineBlocks).toHaveLength(9);
    timelineBlocks.forEach((block, index) => {
      expect(block.startsWith(`${sample.timeline[index]?.date.label} \u2013 `)).toBe(true);
      expect(countOf(block, '\u2013')).toBe(1);
    });
    expect(countOf(rendered.split('\n\nTimeline\n\n')[0] ?? '', '\u2013')).toBe(0);
  });

  it('renumbers markers when the order changes, without touching the stored text', () => {
    const manual = { ...sample, citationOrder: 'manual' as const, sources: [...sample.sources].reverse() };
    const rendered = renderStoryText(manual);
    expect(rendered).toContain('in the Polish capital\u202f[6]. Officials');
    expect(rendered).toContain('1950\u201153 \u2013 The Netherlands');
    expect(rendered).toMatch(/support South Korea during the Korean War, .* cooperation talks\u202f\[3\]\./);
    expect(manual.sections).toBe(sample.sections);
  });
});

describe('renderStoryText layout', () => {
  it('prints a story without hero, with singular counts and several paragraphs', () => {
    const story = makeStory({
      sections: [
        {
          id: 's1',
          heading: 'Heading',
          body: [
            { type: 'paragraph', content: [text('First'), cite('a'), text('.')] },
            { type: 'paragraph', content: [text('Second, '), text('bold'), text('.')] },
          ],
        },
      ],
      sources: [source('a')],
      timeline: [{ id: 't1', date: { label: 'Friday' }, body: [text('Something happens'), cite('a'), text('.')] }],
    });
    expect(renderStoryText(story)).toBe(
      [
        'Desk',
        'Feeds',
        'A Small Story',
        'Updated (1 article)',
        'Heading First\u202f[1].',
        'Second, bold.',
        'Sources',
        'Timeline',
        'Friday \u2013 Something happens\u202f[1].',
        'All related articles (1 article)',
      ].join('\n\n'),
    );
  });

  it('ignores marks on text runs', () => {
    const story = makeStory({
      sections: [
        {
          id: 's1',
          heading: 'H',
          body: [
            {
              type: 'paragraph',
              content: [
                { type: 'text', text: 'bold', marks: [{ type: 'bold' }] },
                { type: 'text', text: ' link', marks: [{ type: 'link', href: 'https://example.org/' }, { type: 'italic' }] },
              ],
            },
          ],
        },
      ],
    });
    expect(renderStoryText(story)).toContain('\n\nH bold link\n\n');
  });

  it('prints a line for each source that has a title, outlet or URL, in number order', () => {
    const story = makeStory({
      citationOrder: 'newest-first',
      sources: [
        source('old', { title: 'Old Report', 'container-title': 'Daily', URL: 'https://daily.example/old', issued: '2025-01-01' }),
        source('bare', { issued: '2025-06-01' }),
        source('new', { title: 'New Report', issued: '2026-01-01' }),
      ],
      sections: [{ id: 's', heading: 'H', body: [{ type: 'paragraph', content: [text('A'), cite('old', 'bare', 'new')] }] }],
    });
    const rendered = renderStoryText(story);
    expect(rendered).toContain(
      '\n\nSources\n\n[1] New Report\n\n[3] Old Report \u2013 Daily \u2013 https://daily.example/old\n\nTimeline\n\n',
    );
  });

  it('prints the hero block with its link labels even when the hero has no URLs', () => {
    const story = makeStory({
      hero: {
        asset: { sha256: 'a'.repeat(64), mediaType: 'image/png', width: 1, height: 1, byteLength: 1 },
        alt: 'Two people',
        caption: 'Two people shake hands.',
        credit: 'Agency',
        usageTerms: '',
      },
    });
    expect(renderStoryText(story)).toContain(
      'Updated (0 articles)\n  \u2022 Two people\n    Image: Agency\n    Two people shake hands. Source Full size\n\nSources',
    );
  });

  it('writes multi-source markers as separate or combined, and dangling ids as [?]', () => {
    const story = makeStory({
      sources: [source('a'), source('b'), source('c')],
      sections: [
        { id: 's', heading: 'H', body: [{ type: 'paragraph', content: [text('X'), cite('c', 'a'), text(' Y'), cite('gone'), text(' Z'), cite('b')] }] },
      ],
    });
    expect(renderStoryText(story)).toContain('H X\u202f[1][3] Y\u202f[?] Z\u202f[2]\n');
    expect(renderStoryText({ ...story, citationStyle: 'combined' })).toContain('H X\u202f[1, 3] Y\u202f[?] Z\u202f[2]\n');
    expect(renderStoryText(story, { citationStyle: 'combined' })).toContain('H X\u202f[1, 3] Y\u202f[?] Z\u202f[2]\n');
  });
});

describe('citationNumbers', () => {
  const body = (...ids: string[]): Story['sections'] => [
    { id: 's', heading: 'H', body: [{ type: 'paragraph', content: ids.flatMap((id) => [text('Sentence'), cite(id)]) }] },
  ];

  it('numbers newest first by issued date, undated last, ties in list order', () => {
    const story = makeStory({
      citationOrder: 'newest-first',
      sources: [
        source('undated'),
        source('tie-1', { issued: '2025-03-01' }),
        source('year-only', { issued: '2025' }),
        source('newest', { issued: '2026-02-02' }),
        source('tie-2', { issued: '2025-03-01' }),
        source('month', { issued: '2025-03' }),
      ],
      sections: body('undated', 'tie-1', 'year-only', 'newest', 'tie-2', 'month'),
    });
    expect(numbersInOrder(story)).toEqual([
      ['newest', 1],
      ['tie-1', 2],
      ['tie-2', 3],
      ['month', 4],
      ['year-only', 5],
      ['undated', 6],
    ]);
  });

  it('numbers by first appearance: sections first, then the timeline', () => {
    const story = makeStory({
      citationOrder: 'first-appearance',
      sources: [source('a'), source('b'), source('c'), source('d')],
      timeline: [{ id: 't', date: { label: '2020', edtf: '2020' }, body: [text('Event'), cite('a', 'd')] }],
      sections: body('c', 'b', 'c'),
    });
    expect(numbersInOrder(story)).toEqual([
      ['c', 1],
      ['b', 2],
      ['a', 3],
      ['d', 4],
    ]);
  });

  it('numbers manually in the order of the sources list', () => {
    const story = makeStory({
      citationOrder: 'manual',
      sources: [source('z', { issued: '2020' }), source('y', { issued: '2026' }), source('x')],
      sections: body('x', 'y', 'z'),
    });
    expect(numbersInOrder(story)).toEqual([
      ['z', 1],
      ['y', 2],
      ['x', 3],
    ]);
  });

  it('numbers sources cited nowhere after the cited ones, under every order', () => {
    const sources = [source('uncited', { issued: '2026-12-31' }), source('cited-old', { issued: '2020' }), source('cited-new', { issued: '2024' })];
    const sections = body('cited-old', 'cited-new');
    expect(numbersInOrder(makeStory({ citationOrder: 'newest-first', sources, sections }))).toEqual([
      ['cited-new', 1],
      ['cited-old', 2],
      ['uncited', 3],
    ]);
    expect(numbersInOrder(makeStory({ citationOrder: 'first-appearance', sources, sections }))).toEqual([
      ['cited-old', 1],
      ['cited-new', 2],
      ['uncited', 3],
    ]);
    expect(numbersInOrder(makeStory({ citationOrder: 'manual', sources, sections }))).toEqual([
      ['cited-old', 1],
      ['cited-new', 2],
      ['uncited', 3],
    ]);
  });

  it('gives dangling ids no number', () => {
    const story = makeStory({ sources: [source('a')], sections: body('a', 'missing') });
    const numbers = citationNumbers(story);
    expect([...numbers]).toEqual([['a', 1]]);
    expect(citationMarker({ type: 'citation', sources: ['missing', 'a'] }, numbers, 'combined')).toBe('[1, ?]');
    expect(citationMarker({ type: 'citation', sources: ['missing'] }, numbers, 'separate')).toBe('[?]');
  });
});
