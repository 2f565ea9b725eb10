// The interchange exports (DESIGN §5): TimelineJS JSON, IPTC ninjs 3.1 and CSL-JSON, checked on
// the sample story, on stories that carry hostile strings, and against the official JSON Schemas.
//
// The schemas are read from ../shared/schemas beside the project (never copied into it); where
// that folder is absent the schema checks are skipped and say so.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { citationMarker, citationNumbers } from '../shared/citations';
import { InvalidInputError } from '../shared/errors';
import { toCslJson, toNinjs, toTimelineJs, webUri, type NinjsItem } from '../shared/interchange';
import { escapeHtml } from '../shared/page-html';
import type { Citation, Story, TimelineEntry } from '../shared/model';
import { timelineEntryDate } from '../shared/timeline-dates';
import { sampleStory } from './helpers/library';
import { cite, paragraph, publishableSample, smallStory, source, text } from './helpers/stories';

const projectRoot = path.join(import.meta.dirname, '..');
const schemaFolder = path.join(projectRoot, '..', 'shared', 'schemas');
const NINJS_SCHEMA = path.join(schemaFolder, 'ninjs-schema_3.1.json');
const CSL_SCHEMA = path.join(schemaFolder, 'csl-data.json');
const schemasPresent = fs.existsSync(NINJS_SCHEMA) && fs.existsSync(CSL_SCHEMA);

const STORY_URI = 'https://news.example/stories/korea-poland';

/** Tags removed: what a reader of the HTML sees. */
const withoutTags = (html: string): string => html.replace(/<[^>]*>/g, '');

/** Every href in some HTML. */
const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? '');

// ---------------------------------------------------------------------------------------------
// Validators built from the official schemas
// ---------------------------------------------------------------------------------------------

type Validate = (data: unknown) => { valid: boolean; errors: string };

function validator(ajv: Ajv | Ajv2020, schemaFile: string): Validate {
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object);
  return (data) => {
    const valid = validate(data);
    return { valid, errors: JSON.stringify(validate.errors ?? [], null, 1) };
  };
}

/**
 * ninjs 3.1 is a draft 2020-12 schema. Its one remote reference, places[].geoJSON →
 * https://geojson.org/schema/GeoJSON.json, is resolved offline by a stand-in that only asks for
 * an object with a `type`: the exports never write places, so nothing is validated against it.
 */
function ninjsValidator(): Validate {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json', type: 'object', required: ['type'] });
  return validator(ajv, NINJS_SCHEMA);
}

/** CSL-JSON is draft-07 and writes union types (`["string", "number"]`), which Ajv must be told to allow. */
function cslValidator(): Validate {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return validator(ajv, CSL_SCHEMA);
}

// ---------------------------------------------------------------------------------------------
// Stories
// ---------------------------------------------------------------------------------------------

/** The seed page's numbers for the sample's timeline, oldest entry first. */
const SAMPLE_TIMELINE_MARKERS = ['[4]', '[2]', '[2]', '[6]', '[5]', '[4]', '[3]', '[2]', '[1]'];

const HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> & \'quoted\'';

/**
 * A story whose every field that reaches HTML or a link carries something hostile. The schema
 * would refuse the `javascript:` and `data:` addresses; they are put in directly, as a corrupted
 * library or a careless import might.
 */
function hostileStory(): Story {
  const story = smallStory();
  const unsafe = 'javascript:alert(document.cookie)';
  story.title = `Title ${HOSTILE}`;
  story.dek = `Dek ${HOSTILE}`;
  story.feed = `Feed ${HOSTILE}`;
  story.hero = {
    ...sampleStory().hero!,
    alt: `Alt ${HOSTILE}`,
    caption: `Caption ${HOSTILE}`,
    credit: `Credit ${HOSTILE}`,
    sourceUrl: unsafe,
    fullSizeUrl: 'data:text/html,<script>alert(1)</script>',
  };
  story.sources = [
    source('a', { URL: unsafe, title: `Source ${HOSTILE}`, 'container-title': `Outlet ${HOSTILE}`, note: HOSTILE }),
    source('b', { URL: 'https://news.example/a b/"quoted"/<tag>?q=ü' }),
  ];
  story.sections = [
    {
      id: 's1',
      heading: `Heading ${HOSTILE}`,
      body: [
        paragraph(
          text(`Text ${HOSTILE}`),
          cite('a'),
          { type: 'text', text: 'a link', marks: [{ type: 'link', href: unsafe }] },
          { type: 'text', text: 'a good link', marks: [{ type: 'bold' }, { type: 'link', href: 'https://news.example/ok' }] },
          cite('b'),
        ),
      ],
    },
  ];
  story.timeline = [
    { id: 't1', date: { label: `2024 ${HOSTILE}`, edtf: '2024' }, body: [text(`Entry ${HOSTILE}`), cite('a', 'b')] },
    { id: 't2', date: { label: 'someday <b>soon</b>' }, body: [text('Unreadable date.')] },
  ];
  return story;
}

function entry(id: string, label: string, edtf?: string): TimelineEntry {
  return { id, date: edtf === undefined ? { label } : { label, edtf }, body: [text(`Event ${id}.`)] };
}

// ---------------------------------------------------------------------------------------------
// TimelineJS
// ---------------------------------------------------------------------------------------------

describe('toTimelineJs', () => {
  it('makes one event per entry of the sample, in order, labelled as typed', () => {
    const story = sampleStory();
    const { data, skipped } = toTimelineJs(story);
    expect(skipped).toEqual([]);
    expect(data.events.map((event) => event.unique_id)).toEqual(story.timeline.map((item) => item.id));
    expect(data.events.map((event) => event.display_date)).toEqual(story.timeline.map((item) => item.date.label));
    expect(data.events.every((event) => event.autolink === false)).toBe(true);
  });

  it('dates each event by the bounds of its EDTF interval, at the precision of its label', () => {
    const events = new Map(toTimelineJs(sampleStory()).data.events.map((event) => [event.unique_id, event]));
    // "1950‑53" (U+2011), "2010", "Late 2024" and "Dec 4, 2025" (U+202F): a year range, a year, part of a year, a day.
    expect(events.get('timeline-1950-1953')).toMatchObject({ display_date: '1950\u201153', start_date: { year: 1950 }, end_date: { year: 1953 } });
    expect(events.get('timeline-2010')).toMatchObject({ display_date: '2010', start_date: { year: 2010 } });
    expect(events.get('timeline-2010')?.end_date).toBeUndefined();
    expect(events.get('timeline-2024-late')).toMatchObject({
      display_date: 'Late\u202f2024',
      start_date: { year: 2024, month: 7 },
      end_date: { year: 2024, month: 12 },
    });
    expect(events.get('timeline-2025-12-04')).toMatchObject({ display_date: 'Dec\u202f4,\u202f2025' });
    expect(events.get('timeline-2025-12-04')?.start_date).toEqual({ year: 2025, month: 12, day: 4 });
    expect(events.get('timeline-2025-12-04')?.end_date).toBeUndefined();
  });

  it('reads other precisions: month, season across a year, decade, century, day range, open ranges', () => {
    const story = sampleStory();
    story.timeline = [
      entry('month', 'Dec 2025', '2025-12'),
      entry('winter', 'Winter 2024', '2024-24'),
      entry('decade', 'The 1990s', '199X'),
      entry('century', 'The 1800s', '18XX'),
      entry('days', 'Dec 4–6, 2025', '2025-12-04/2025-12-06'),
      entry('months', 'Dec 2025 – Jan 2026', '2025-12/2026-01'),
      entry('mixed', '2010 – March 2012', '2010/2012-03'),
      entry('since', 'Since 2010', '2010/..'),
      entry('until', 'Until 1950', '../1950'),
      entry('circa', 'c. 1950', '1950~'),
    ];
    const dates = Object.fromEntries(toTimelineJs(story).data.events.map((event) => [event.unique_id, [event.start_date, event.end_date]]));
    expect(dates).toEqual({
      month: [{ year: 2025, month: 12 }, undefined],
      winter: [{ year: 2024, month: 12 }, { year: 2025, month: 2 }],
      decade: [{ year: 1990 }, { year: 1999 }],
      century: [{ year: 1800 }, { year: 1899 }],
      days: [{ year: 2025, month: 12, day: 4 }, { year: 2025, month: 12, day: 6 }],
      months: [{ year: 2025, month: 12 }, { year: 2026, month: 1 }],
      mixed: [{ year: 2010, month: 1 }, { year: 2012, month: 3 }],
      since: [{ year: 2010 }, undefined],
      until: [{ year: 1950 }, undefined],
      circa: [{ year: 1950 }, undefined],
    });
  });

  it('reads a label without EDTF, and leaves out and reports the entries it cannot read', () => {
    const story = sampleStory();
    story.timeline = [entry('late', 'Late 2024'), entry('vague', 'someday soon'), entry('friday', 'Friday'), entry('day', 'Dec 4, 2025')];
    const { data, skipped } = toTimelineJs(story);
    expect(data.events.map((event) => event.unique_id)).toEqual(['late', 'day']);
    expect(data.events[0]).toMatchObject({ start_date: { year: 2024, month: 7 }, end_date: { year: 2024, month: 12 } });
    expect(skipped).toEqual([
      { entryId: 'vague', label: 'someday soon', reason: expect.any(String) },
      { entryId: 'friday', label: 'Friday', reason: 'relative: needs a reference date' },
    ]);
  });

  it('resolves relative labels only against a reference date it is given', () => {
    const story = sampleStory();
    story.timeline = [entry('friday', 'Friday')];
    const { data, skipped } = toTimelineJs(story, { referenceDate: '2026-02-02' });
    const resolved = timelineEntryDate({ label: 'Friday' }, { referenceDate: '2026-02-02' });
    expect(skipped).toEqual([]);
    expect(resolved.ok && resolved.precision).toBe('day');
    const [year, month, day] = (resolved.ok ? resolved.earliest : '').slice(0, 10).split('-').map(Number);
    expect(data.events[0]).toMatchObject({ display_date: 'Friday', start_date: { year, month, day } });
  });

  it('writes each body as HTML with the citation numbers of the page', () => {
    const story = sampleStory();
    const { data } = toTimelineJs(story);
    expect(data.events[0]?.text.text).toBe(
      '<p>The Netherlands joins 22 nations that send troops or support South Korea during the Korean War, establishing a ' +
        'long‑standing defense relationship that underpins current cooperation talks<sup>[4]</sup>.</p>',
    );
    const markers = data.events.map((event) => /<sup>(.*?)<\/sup>/.exec(event.text.text)?.[1]);
    expect(markers).toEqual(SAMPLE_TIMELINE_MARKERS);
  });

  it('links each number to its source when the source has an address, and can leave links out', () => {
    const story = publishableSample();
    const [first] = toTimelineJs(story).data.events;
    expect(first?.text.text).toContain('<sup><a href="https://news.example/src-2026-01-13">[4]</a></sup>');
    const [plain] = toTimelineJs(story, { linkCitations: false }).data.events;
    expect(plain?.text.text).toContain('<sup>[4]</sup>');
  });

  it('writes markers citing several sources in the story style, with the text citationMarker gives', () => {
    const story = publishableSample();
    const citation: Citation = { type: 'citation', sources: ['src-2025-12-04', 'src-2026-01-22', 'gone'] };
    story.timeline = [{ id: 'many', date: { label: '2026', edtf: '2026' }, body: [text('Several'), citation] }];
    const numbers = citationNumbers(story);
    for (const style of ['separate', 'combined'] as const) {
      const html = toTimelineJs(story, { citationStyle: style }).data.events[0]?.text.text ?? '';
      expect(withoutTags(html)).toBe(`Several${citationMarker(citation, numbers, style)}`);
    }
    expect(toTimelineJs(story, { citationStyle: 'combined' }).data.events[0]?.text.text).toBe(
      '<p>Several<sup>[<a href="https://news.example/src-2026-01-22">2</a>, <a href="https://news.example/src-2025-12-04">3</a>, ?]</sup></p>',
    );
  });

  it('opens with a title slide of the title and dek, whose id no event uses', () => {
    const story = sampleStory();
    story.dek = 'Seoul & Warsaw';
    story.timeline.push(entry(`${story.id}-title`, '2026', '2026'));
    const { data } = toTimelineJs(story);
    expect(data.title?.text).toEqual({ headline: escapeHtml(story.title), text: '<p>Seoul &amp; Warsaw</p>' });
    expect(data.events.map((event) => event.unique_id)).not.toContain(data.title?.unique_id);
    expect(toTimelineJs(story, { title: false }).data.title).toBeUndefined();
  });

  it('escapes every user string and drops unsafe addresses', () => {
    const { data, skipped } = toTimelineJs(hostileStory());
    const json = JSON.stringify(data);
    for (const unsafe of ['<script', '<img', 'javascript:', 'onerror="']) expect(json).not.toContain(unsafe);
    expect(data.title?.text.headline).toBe(`Title ${escapeHtml(HOSTILE)}`);
    // TimelineJS strips markup from display_date (decoding once) and then inserts it as HTML.
    expect(data.events[0]?.display_date).toBe(escapeHtml(escapeHtml(`2024 ${HOSTILE}`)));
    expect(data.events[0]?.text.text).toBe(
      `<p>Entry ${escapeHtml(HOSTILE)}<sup>[1]<a href="https://news.example/a%20b/%22quoted%22/%3Ctag%3E?q=%C3%BC">[2]</a></sup></p>`,
    );
    expect(skipped).toEqual([{ entryId: 't2', label: 'someday <b>soon</b>', reason: expect.any(String) }]);
  });
});

// ---------------------------------------------------------------------------------------------
// ninjs
// ---------------------------------------------------------------------------------------------

describe('toNinjs', () => {
  it('maps the sample story in a fixed key order', () => {
    const ninjs = toNinjs(sampleStory(), { uri: STORY_URI, language: 'en' });
    expect(Object.keys(ninjs)).toEqual([
      'uri', 'standard', 'type', 'representationType', 'profile', 'version', 'altIds', 'firstCreated', 'versionCreated',
      'pubStatus', 'language', 'slugline', 'headlines', 'subjects', 'bodies', 'associations',
    ]);
    expect(ninjs).toMatchObject({
      uri: STORY_URI,
      standard: { name: 'ninjs', version: '3.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#' },
      type: 'text',
      profile: 'text-photo',
      version: '0',
      altIds: [{ role: 'storydesk-id', value: 'sample-korea-poland-security-dialogue' }],
      firstCreated: '2026-02-02T12:00:00.000Z',
      versionCreated: '2026-02-02T12:00:00.000Z',
      pubStatus: 'withheld',
      language: 'en',
      slugline: 'south-korea-and-poland-launch-first-bilateral-security-dialogue-on-korean-peninsula',
      headlines: [{ role: 'main', contentType: 'text/plain', value: sampleStory().title }],
      subjects: [{ name: 'Top Headlines', rel: 'feed' }],
    });
    expect(JSON.stringify(toNinjs(sampleStory(), { uri: STORY_URI, language: 'en' }))).toBe(JSON.stringify(ninjs));
  });

  it('takes the uri from a function, and refuses one that is not an absolute URI', () => {
    expect(toNinjs(sampleStory(), { uri: (story) => `urn:example:story:${story.id}` }).uri).toBe(
      'urn:example:story:sample-korea-poland-security-dialogue',
    );
    expect(() => toNinjs(sampleStory(), { uri: 'stories/relative' })).toThrow(InvalidInputError);
    expect(() => toNinjs(sampleStory(), { uri: 'https://news.example/x', heroHref: 'hero.png' })).toThrow(/heroHref/);
  });

  it('is usable once published, withheld before, and carries the dek as a subhead', () => {
    const story = sampleStory();
    story.status = 'published';
    story.dek = 'The first talks of their kind.';
    const ninjs = toNinjs(story, { uri: STORY_URI });
    expect(ninjs.pubStatus).toBe('usable');
    expect(ninjs.headlines?.[1]).toEqual({ role: 'subhead', contentType: 'text/plain', value: story.dek });
    story.status = 'review';
    expect(toNinjs(story, { uri: STORY_URI }).pubStatus).toBe('withheld');
  });

  it('renders the body as HTML sections with superscript citations, and as plain text', () => {
    const story = publishableSample();
    const [html, plain] = toNinjs(story, { uri: STORY_URI }).bodies ?? [];
    expect(html?.contentType).toBe('text/html');
    expect(plain?.contentType).toBe('text/plain');
    for (const section of story.sections) expect(html?.value).toContain(`<h2>${escapeHtml(section.heading)}</h2>`);
    const [firstSentence] = story.sections[0]?.body[0]?.content ?? [];
    expect(firstSentence?.type === 'text' && firstSentence.text).toContain('2\u202fFebruary\u202f2026');
    expect(html?.value).toContain(
      `<p>${firstSentence?.type === 'text' ? firstSentence.text : ''}<sup><a href="https://news.example/src-2026-02-02">[1]</a></sup>. Officials`,
    );
    expect(html?.value).toContain('<h2>Timeline</h2>\n<ul>\n<li><strong>1950\u201153</strong> – The Netherlands joins');
    expect(plain?.value.startsWith('Inaugural Security Talks Held in Warsaw\n\nThe inaugural bilateral security dialogue')).toBe(true);
    expect(plain?.value).toContain('establish a regular channel for strategic communication [1]. The meeting');
    expect(plain?.value).toContain('\n\nTimeline\n\n1950\u201153 – The Netherlands joins');
    expect(plain?.value).toContain('\nLate\u202f2024 – Korea and the EU launch');
  });

  it('associates the hero image as a picture with its alt text, caption, credit and usage terms', () => {
    const story = sampleStory();
    story.hero!.fullSizeUrl = 'https://images.example/full.png';
    story.hero!.sourceUrl = 'https://images.example/page';
    const hero = toNinjs(story, { uri: STORY_URI, heroHref: 'https://cdn.example/hero.png' }).associations?.[0];
    expect(hero).toEqual({
      name: 'hero',
      uri: `nih:sha-256;${story.hero!.asset.sha256}`,
      type: 'picture',
      altIds: [{ role: 'source-page', value: 'https://images.example/page' }],
      by: 'Yonhap',
      usageTerms: 'PHOTO NOT FOR SALE',
      descriptions: [
        { role: 'alt', contentType: 'text/plain', value: story.hero!.alt },
        { role: 'caption', contentType: 'text/plain', value: story.hero!.caption },
      ],
      renditions: [
        { name: 'original', href: 'https://cdn.example/hero.png', contentType: 'image/png', width: 480, height: 270, sizeInBytes: 4892 },
        { name: 'full-size', href: 'https://images.example/full.png' },
      ],
    });
  });

  it('associates the sources in number order, by address, title, outlet and date', () => {
    const published = toNinjs(publishableSample(), { uri: STORY_URI }).associations ?? [];
    const sources = published.filter((association) => association.type === 'text');
    expect(sources.map((association) => association.name)).toEqual(['source-1', 'source-2', 'source-3', 'source-4', 'source-5', 'source-6']);
    expect(sources[0]).toEqual({
      name: 'source-1',
      rel: 'cited',
      uri: 'https://news.example/src-2026-02-02',
      type: 'text',
      altIds: [{ role: 'storydesk-source-id', value: 'src-2026-02-02' }],
      firstCreated: '2026-02-02T00:00:00Z',
      edNote: 'Reports the launch of the South Korea-Poland security dialogue in Warsaw (timeline: Feb 2, 2026)',
      headlines: [{ role: 'main', contentType: 'text/plain', value: 'Article 1' }],
      infoSources: [{ name: 'Yonhap', role: 'publisher' }],
    });
    // The sample's sources have no address: their uri is made inside the story's.
    const [, firstSource] = toNinjs(sampleStory(), { uri: `${STORY_URI}#top` }).associations ?? [];
    expect(firstSource?.uri).toBe(`${STORY_URI}#source-src-2026-02-02`);
  });

  it('writes a source date coarser than a day nowhere, and authors as a byline', () => {
    const story = smallStory();
    story.sources = [source('a', { issued: '2026-02', author: [{ family: 'Kim', given: 'Min-ji' }, { literal: 'Staff' }] })];
    story.hero = undefined;
    const [association] = toNinjs(story, { uri: STORY_URI }).associations ?? [];
    expect(association?.firstCreated).toBeUndefined();
    expect(association?.by).toBe('Min-ji Kim, Staff');
  });

  it('escapes every user string in HTML and drops unsafe addresses', () => {
    const story = hostileStory();
    const ninjs = toNinjs(story, { uri: STORY_URI });
    const html = ninjs.bodies?.[0]?.value ?? '';
    for (const unsafe of ['<script', '<img', 'javascript:', 'onerror="']) expect(html).not.toContain(unsafe);
    expect(html).toContain(`<h2>Heading ${escapeHtml(HOSTILE)}</h2>`);
    expect(hrefs(html)).toEqual([
      'https://news.example/ok',
      'https://news.example/a%20b/%22quoted%22/%3Ctag%3E?q=%C3%BC',
      'https://news.example/a%20b/%22quoted%22/%3Ctag%3E?q=%C3%BC',
    ]);
    expect(html).toContain('a link<a href="https://news.example/ok"><strong>a good link</strong></a>');
    // Plain-text fields say so, and carry the text exactly as typed.
    expect(ninjs.headlines?.[0]).toEqual({ role: 'main', contentType: 'text/plain', value: story.title });
    const json = JSON.stringify(ninjs);
    expect(json).not.toContain('javascript:');
    expect(json).not.toContain('data:text/html');
    const [hero, unsafeSource] = ninjs.associations ?? [];
    expect(hero?.renditions?.map((rendition) => rendition.name)).toEqual(['original']);
    expect(hero?.altIds).toBeUndefined();
    expect(unsafeSource?.uri).toBe(`${STORY_URI}#source-a`);
  });
});

// ---------------------------------------------------------------------------------------------
// CSL-JSON
// ---------------------------------------------------------------------------------------------

describe('toCslJson', () => {
  it('lists the sample sources in display-number order as web pages with date-parts', () => {
    const items = toCslJson(sampleStory());
    expect(items.map((item) => [item['citation-number'], item.id])).toEqual([
      [1, 'src-2026-02-02'], [2, 'src-2026-01-22'], [3, 'src-2026-01-15'], [4, 'src-2026-01-13'], [5, 'src-2025-12-17'], [6, 'src-2025-12-04'],
    ]);
    expect(items[0]).toEqual({
      id: 'src-2026-02-02',
      type: 'webpage',
      'citation-number': 1,
      issued: { 'date-parts': [[2026, 2, 2]] },
      note: 'Reports the launch of the South Korea-Poland security dialogue in Warsaw (timeline: Feb 2, 2026)',
    });
  });

  it('makes sources with an outlet newspaper articles, with every field CSL has a name for', () => {
    const story = smallStory();
    story.sources = [
      source('a', {
        title: 'Talks open',
        'container-title': 'Yonhap',
        author: [{ family: 'Kim', given: 'Min-ji' }, { literal: 'Staff reporter' }],
        issued: '2026',
        accessed: '2026-02',
        language: 'en',
        note: 'A note',
        role: 'related',
      }),
    ];
    expect(toCslJson(story)).toEqual([
      {
        id: 'a',
        type: 'article-newspaper',
        'citation-number': 1,
        title: 'Talks open',
        'container-title': 'Yonhap',
        author: [{ family: 'Kim', given: 'Min-ji' }, { literal: 'Staff reporter' }],
        issued: { 'date-parts': [[2026]] },
        accessed: { 'date-parts': [[2026, 2]] },
        URL: 'https://news.example/a',
        language: 'en',
        note: 'A note',
      },
    ]);
  });

  it('drops addresses that are not http(s) and encodes the rest', () => {
    const items = toCslJson(hostileStory());
    expect(items.map((item) => item.URL)).toEqual([undefined, 'https://news.example/a%20b/%22quoted%22/%3Ctag%3E?q=%C3%BC']);
    expect(webUri('https://news.example/already%20encoded')).toBe('https://news.example/already%20encoded');
    expect(webUri('https://[::1]:8080/a b')).toBe('https://[::1]:8080/a%20b');
    expect(webUri(' https://news.example/')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// The official schemas
// ---------------------------------------------------------------------------------------------

describe.skipIf(!schemasPresent)(
  schemasPresent
    ? 'the exports against the official schemas in ../shared/schemas'
    : `the exports against the official schemas: SKIPPED, the official schemas are not beside the project (looked in ${schemaFolder})`,
  () => {
    const stories: [string, () => Story][] = [
      ['the sample story', sampleStory],
      ['the sample with addresses, titles and outlets', publishableSample],
      ['a story with hostile strings', hostileStory],
      ['a small story without a hero', () => ({ ...smallStory(), hero: undefined })],
    ];

    it.each(stories)('ninjs 3.1 of %s is valid', (_name, makeStory) => {
      const story = makeStory();
      story.dek = 'A dek.';
      const ninjs: NinjsItem = toNinjs(story, { uri: STORY_URI, language: 'en', heroHref: 'https://cdn.example/hero.png' });
      const result = ninjsValidator()(ninjs);
      expect(result.valid, result.errors).toBe(true);
    });

    it.each(stories)('CSL-JSON of %s is valid', (_name, makeStory) => {
      const result = cslValidator()(toCslJson(makeStory()));
      expect(result.valid, result.errors).toBe(true);
    });

    it('and the validators do reject what the schemas forbid', () => {
      const ninjs = toNinjs(sampleStory(), { uri: STORY_URI });
      expect(ninjsValidator()({ ...ninjs, $schema: NINJS_SCHEMA }).valid).toBe(false);
      expect(ninjsValidator()({ ...ninjs, pubStatus: 'draft' }).valid).toBe(false);
      expect(ninjsValidator()({ ...ninjs, associations: [{ uri: STORY_URI }] }).valid).toBe(false);
      expect(cslValidator()([{ ...toCslJson(sampleStory())[0], issued: '2026-02-02', type: 'news' }]).valid).toBe(false);
    });
  },
);

describe('the sample story itself', () => {
  it('has the citations these tests count on', () => {
    // Guards SAMPLE_TIMELINE_MARKERS: the seed page's numbers, derived by citationNumbers.
    const story = sampleStory();
    const numbers = citationNumbers(story);
    const markers = story.timeline.map((item) => {
      const citation = item.body.find((inline): inline is Citation => inline.type === 'citation');
      return citation === undefined ? '' : citationMarker(citation, numbers, story.citationStyle);
    });
    expect(markers).toEqual(SAMPLE_TIMELINE_MARKERS);
  });
});
