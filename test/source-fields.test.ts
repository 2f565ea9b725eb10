// Checks how the sources panel reads and writes a source's fields: empty text removes an optional
// field, authors round-trip through "Family, Given; Other Name", duplicates are found by what
// article an address names, and each citing place is described with the sentence it backs.
import { describe, expect, it } from 'vitest';
import { placesCiting } from '../shared/citation-edits';
import type { Source } from '../shared/model';
import {
  citingPlacesBySource,
  describeCitingPlace,
  duplicateSources,
  formatAuthors,
  parseAuthors,
  sameNames,
  sourceName,
  withAuthorsText,
  withSourceText,
} from '../shared/source-fields';
import { sampleStory } from './helpers/library';

const source = (fields: Partial<Source> = {}): Source => ({ id: 'src-a', role: 'cited', ...fields });

describe('text fields', () => {
  it('stores text exactly as typed, spaces and all', () => {
    expect(withSourceText(source(), 'title', ' Talks  begin ')).toEqual(source({ title: ' Talks  begin ' }));
    expect(withSourceText(source(), 'container-title', 'Yonhap')).toEqual(source({ 'container-title': 'Yonhap' }));
  });

  it('removes the field for empty text instead of storing an empty string', () => {
    const cleared = withSourceText(source({ title: 'Talks' }), 'title', '');
    expect(cleared).toEqual(source());
    expect('title' in cleared).toBe(false);
  });

  it('treats an address or a date of spaces only as empty, but keeps a title of spaces', () => {
    expect('URL' in withSourceText(source({ URL: 'https://a.example/' }), 'URL', '   ')).toBe(false);
    expect('issued' in withSourceText(source({ issued: '2026' }), 'issued', ' ')).toBe(false);
    expect(withSourceText(source(), 'title', ' ').title).toBe(' ');
  });

  it('keeps an invalid value as typed, for the model check to name', () => {
    expect(withSourceText(source(), 'issued', 'Feb 2').issued).toBe('Feb 2');
    expect(withSourceText(source(), 'URL', 'yonhap.co.kr/1').URL).toBe('yonhap.co.kr/1');
  });

  it('gives back the same source when nothing changes', () => {
    const unchanged = source({ title: 'Talks' });
    expect(withSourceText(unchanged, 'title', 'Talks')).toBe(unchanged);
    expect(withSourceText(unchanged, 'URL', '')).toBe(unchanged);
  });
});

describe('authors', () => {
  it('reads "Family, Given" and keeps a name without a comma whole', () => {
    expect(parseAuthors('Kim, Ji-won; Yonhap News Agency; Lee,Min')).toEqual([
      { family: 'Kim', given: 'Ji-won' },
      { literal: 'Yonhap News Agency' },
      { family: 'Lee', given: 'Min' },
    ]);
  });

  it('drops empty names and a given name left empty, and never makes an empty family name', () => {
    expect(parseAuthors(' ;Kim, ;; ')).toEqual([{ family: 'Kim' }]);
    expect(parseAuthors(', Madonna')).toEqual([{ literal: 'Madonna' }]);
    expect(parseAuthors('')).toEqual([]);
  });

  it('writes names back the way they are read', () => {
    const names = [{ family: 'Kim', given: 'Ji-won' }, { literal: 'Reuters' }, { family: 'Park' }];
    expect(formatAuthors(names)).toBe('Kim, Ji-won; Reuters; Park,');
    expect(parseAuthors(formatAuthors(names))).toEqual(names);
  });

  it('removes the field when no name is left, and keeps the same source when the names are the same', () => {
    const withNames = source({ author: [{ family: 'Kim', given: 'Ji-won' }] });
    expect('author' in withAuthorsText(withNames, ' ; ')).toBe(false);
    expect(withAuthorsText(withNames, 'Kim,  Ji-won')).toBe(withNames);
    expect(withAuthorsText(withNames, 'Kim, Ji-won; Reuters').author).toEqual([{ family: 'Kim', given: 'Ji-won' }, { literal: 'Reuters' }]);
  });

  it('tells a whole name from a split one that is written the same', () => {
    expect(sameNames([{ literal: 'Kim, Ji' }], [{ family: 'Kim', given: 'Ji' }])).toBe(false);
    expect(sameNames([{ family: 'Kim', given: 'Ji' }], [{ family: 'Kim', given: 'Ji' }])).toBe(true);
  });
});

describe('names and duplicates', () => {
  it('calls a source by its title, else its address, else the start of its note', () => {
    expect(sourceName(source({ title: 'Talks', URL: 'https://a.example/', note: 'Reports' }))).toBe('Talks');
    expect(sourceName(source({ URL: 'https://a.example/', note: 'Reports' }))).toBe('https://a.example/');
    expect(sourceName(source({ note: 'Reports the launch of the South Korea-Poland security dialogue in Warsaw (timeline: Feb 2, 2026)' }))).toBe(
      'Reports the launch of the South Korea-Poland security dialogue in…',
    );
    expect(sourceName(source({ title: '', note: ' ' }))).toBe('Untitled source');
  });

  it('flags sources whose addresses name the same article, each pointing at another', () => {
    const sources = [
      source({ id: 'a', URL: 'https://www.yna.co.kr/view/1?utm_source=x' }),
      source({ id: 'b', URL: 'https://example.com/other' }),
      source({ id: 'c', URL: 'http://yna.co.kr/view/1/' }),
      source({ id: 'd' }),
      source({ id: 'e', URL: 'not an address' }),
    ];
    expect(duplicateSources(sources)).toEqual(
      new Map([
        ['a', 'c'],
        ['c', 'a'],
      ]),
    );
  });
});

describe('citing places', () => {
  it('lists, for every source, the same places placesCiting finds', () => {
    const story = sampleStory();
    const bySource = citingPlacesBySource(story);
    for (const { id } of story.sources) expect(bySource.get(id) ?? []).toEqual(placesCiting(story, id));
  });

  it('describes a place by section, paragraph and the sentence the citation backs', () => {
    const story = sampleStory();
    const [first] = citingPlacesBySource(story).get('src-2026-02-02') ?? [];
    expect(first).toBeDefined();
    const described = describeCitingPlace(story, first!);
    const section = story.sections.findIndex((candidate) => first!.part === 'section' && candidate.id === first!.sectionId);
    expect(described?.place).toBe(`Section ${section + 1} «${story.sections[section]!.heading}», paragraph ${(first as { paragraph: number }).paragraph + 1}`);
    expect(described?.sentence.length).toBeGreaterThan(10);
  });

  it('describes a timeline entry by its date label', () => {
    const story = sampleStory();
    const entry = story.timeline.find((candidate) => candidate.body.some((inline) => inline.type === 'citation'))!;
    const index = entry.body.findIndex((inline) => inline.type === 'citation');
    expect(describeCitingPlace(story, { part: 'timeline', entryId: entry.id, index })?.place).toBe(`Timeline «${entry.date.label}»`);
  });

  it('cuts a long sentence at a word and says nothing of a place that is gone', () => {
    const long = `${'word '.repeat(60)}end.`;
    const story = { sections: [{ id: 's', heading: '', body: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: long }, { type: 'citation' as const, sources: ['a'] }] }] }], timeline: [] };
    const described = describeCitingPlace(story, { part: 'section', sectionId: 's', paragraph: 0, index: 1 });
    expect(described?.place).toBe('Section 1 (untitled), paragraph 1');
    expect(described?.sentence.endsWith('word…')).toBe(true);
    expect(described!.sentence.length).toBeLessThanOrEqual(111);
    expect(describeCitingPlace(story, { part: 'section', sectionId: 'gone', paragraph: 0, index: 1 })).toBeUndefined();
  });
});
