// Text import: the seed page must come back as the sample story (structure and text, sources
// apart from their numbers); variants of the seed and two pages of our own check each part of the
// layout; two properties check that rendered text reads back to the same text and that no input
// makes the import throw.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { citationNumbers } from '../shared/citations';
import { readImageInfo } from '../shared/image-info';
import { type Inline, type Paragraph, type Source, type Story, StorySchema } from '../shared/model';
import { renderStoryText } from '../shared/page-text';
import sampleJson from '../shared/sample/sample-story.json';
import {
  IMPORT_PLACEHOLDER_IMAGE,
  type ImportNote,
  type ImportNoteCode,
  importStoryText,
  splitSectionHeading,
  UNSORTED_HEADING,
} from '../shared/text-import';

const seed = readFileSync(join(import.meta.dirname, 'fixtures', 'seed-story.txt'), 'utf8');
const sample: Story = StorySchema.parse(sampleJson);

/** The story as the page shows it: citations point at display numbers instead of ids. */
function asShown(story: Story) {
  const numbers = citationNumbers(story);
  const shown = (content: readonly Inline[]) =>
    content.map((inline) => (inline.type === 'text' ? inline : { type: 'citation', numbers: inline.sources.map((id) => numbers.get(id)) }));
  return {
    title: story.title,
    feed: story.feed,
    hero: story.hero && { alt: story.hero.alt, caption: story.hero.caption, credit: story.hero.credit, usageTerms: story.hero.usageTerms },
    sections: story.sections.map((section) => ({
      heading: section.heading,
      body: section.body.map((paragraph) => ({ type: paragraph.type, content: shown(paragraph.content) })),
    })),
    timeline: story.timeline.map((entry) => ({ date: entry.date, body: shown(entry.body) })),
    sourceCount: story.sources.length,
    citationStyle: story.citationStyle,
  };
}

const codes = (notes: readonly ImportNote[]): ImportNoteCode[] => notes.map((note) => note.code);
const notesWith = (notes: readonly ImportNote[], code: ImportNoteCode): ImportNote[] => notes.filter((note) => note.code === code);
const texts = (paragraph: Paragraph | undefined): string =>
  (paragraph?.content ?? []).map((inline) => (inline.type === 'text' ? inline.text : `{${inline.sources.join(',')}}`)).join('');

/** The seed with `search` replaced by `replacement` once (it must be there). */
function seedWith(search: string, replacement: string): string {
  expect(seed).toContain(search);
  return seed.replace(search, replacement);
}

describe('importStoryText on the seed page', () => {
  const { story, notes } = importStoryText(seed, { now: '2026-02-02T12:00:00.000Z' });

  it('gives the sample story: same structure and text, citations pointing at the same numbers', () => {
    expect(asShown(story)).toEqual(asShown(sample));
  });

  it('keeps every character byte for byte: rendering the import gives the seed back', () => {
    expect(renderStoryText(story)).toBe(seed);
    const firstParagraph = story.sections[0]?.body[0]?.content ?? [];
    expect(firstParagraph.slice(0, 3)).toEqual([
      { type: 'text', text: 'The inaugural bilateral security dialogue between South Korea and Poland convened on 2\u202fFebruary\u202f2026 in Warsaw, marking the first such platform in the Polish capital' },
      { type: 'citation', sources: ['source-1'] },
      { type: 'text', text: '. Officials from both foreign ministries gathered to discuss the evolving situation on the Korean Peninsula and to establish a regular channel for strategic communication' },
    ]);
  });

  it('makes a valid draft with placeholder sources numbered as on the page, and deterministic ids', () => {
    expect(StorySchema.safeParse(story).success).toBe(true);
    expect(story).toMatchObject({
      status: 'draft',
      citationOrder: 'manual',
      citationStyle: 'separate',
      createdAt: '2026-02-02T12:00:00.000Z',
      updatedAt: '2026-02-02T12:00:00.000Z',
      revision: 0,
      slug: sample.slug,
    });
    expect(story.sources).toEqual([1, 2, 3, 4, 5, 6].map((number): Source => ({ id: `source-${number}`, role: 'cited' })));
    expect(story.sections.map((section) => section.id)).toEqual([
      'section-inaugural-security-talks-held-in-warsaw',
      'section-senior-officials-lead-negotiations',
      'section-emphasis-on-europe-northeast-asia-security',
      'section-defense-industry-cooperation-underpins',
      'section-official-statement-documents-commitment',
    ]);
    expect(importStoryText(seed, { now: '2026-02-02T12:00:00.000Z' })).toEqual({ story, notes });
  });

  it('reports only what it could not know: the image and the sources’ details', () => {
    expect(codes(notes)).toEqual(['hero-image-placeholder', 'source-details-missing']);
    expect(notes[0]).toMatchObject({ line: 8 });
    expect(notes[1]).toMatchObject({ line: 22, text: 'Sources' });
    expect(notes[1]?.message).toContain('1\u20136');
  });

  it('points the hero at the placeholder image, a real PNG whose hash and size it declares', () => {
    const { asset, data } = IMPORT_PLACEHOLDER_IMAGE;
    expect(story.hero?.asset).toEqual(asset);
    expect(createHash('sha256').update(data).digest('hex')).toBe(asset.sha256);
    expect(readImageInfo(data)).toEqual({ mediaType: asset.mediaType, width: asset.width, height: asset.height });
    expect(data.byteLength).toBe(asset.byteLength);
  });

  it('takes a hero image and an id from the caller, and defaults the clock to the epoch', () => {
    const heroAsset = sample.hero?.asset;
    const imported = importStoryText(seed, { heroAsset, id: 'from-text' });
    expect(imported.story.hero?.asset).toEqual(heroAsset);
    expect(imported.story.id).toBe('from-text');
    expect(imported.story.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(codes(imported.notes)).not.toContain('hero-image-placeholder');
    expect(() => importStoryText(seed, { now: 'yesterday' })).toThrow(/now/);
  });
});

describe('importStoryText on variants of the seed', () => {
  const seedStory = importStoryText(seed).story;

  it('reads the same story with Windows line endings, blank lines around it, tabs and no-break spaces', () => {
    const variants = [
      seed.replaceAll('\n', '\r\n'),
      `\n \n\t\n${seed}\n\n   \n`,
      seed
        .replace('  \u2022 ', '\t\u2022\u00a0')
        .replace('    Image: ', '\tImage:\u00a0')
        .replace('Updated (6 articles)', 'Updated\u00a0(6\u00a0articles)')
        .replace('Held in Warsaw The', 'Held in Warsaw\u00a0The')
        .replace('Negotiations South', 'Negotiations\tSouth')
        .replace('2010 \u2013 ', '2010\u00a0\u2013\u00a0'),
    ];
    for (const variant of variants) {
      const imported = importStoryText(variant);
      expect(asShown(imported.story)).toEqual(asShown(seedStory));
      expect(codes(imported.notes)).toEqual(['hero-image-placeholder', 'source-details-missing']);
    }
    expect(importStoryText(`\n \n\t\n${seed}`).notes[1]?.line).toBe(25);
  });

  it('reads a page without a hero', () => {
    const alt = seed.split('\n')[7] ?? '';
    const { story, notes } = importStoryText(seed.replace(/\n {2}\u2022[^\n]*\n[^\n]*\n[^\n]*Source Full size/, ''));
    expect(alt.startsWith('  \u2022')).toBe(true);
    expect(story.hero).toBeUndefined();
    expect(asShown(story).sections).toEqual(asShown(sample).sections);
    expect(codes(notes)).toEqual(['source-details-missing']);
  });

  it('fills title, outlet and URL from the lines under "Sources"', () => {
    const listing = [
      '[1] South Korea, Poland hold first security dialogue \u2013 Yonhap \u2013 https://en.yna.co.kr/view/AEN20260202',
      '[2] Korea, EU hold strategic dialogue \u2013 The Korea Herald',
      '[3] Seoul and NATO talk cyber \u2013 https://www.koreatimes.co.kr/3',
      '[4] https://news.example/4',
      '[5] Norway\u2019s foreign minister visits Seoul \u2013 a first in 32 years \u2013 NK News \u2013 https://nknews.example/5',
      '[6]',
    ].join('\n\n');
    const { story, notes } = importStoryText(seedWith('Sources\n\nTimeline', `Sources\n\n${listing}\n\nTimeline`));
    expect(story.sources).toEqual([
      { id: 'source-1', title: 'South Korea, Poland hold first security dialogue', 'container-title': 'Yonhap', URL: 'https://en.yna.co.kr/view/AEN20260202', role: 'cited' },
      { id: 'source-2', title: 'Korea, EU hold strategic dialogue', 'container-title': 'The Korea Herald', role: 'cited' },
      { id: 'source-3', title: 'Seoul and NATO talk cyber', URL: 'https://www.koreatimes.co.kr/3', role: 'cited' },
      { id: 'source-4', URL: 'https://news.example/4', role: 'cited' },
      { id: 'source-5', title: 'Norway\u2019s foreign minister visits Seoul \u2013 a first in 32 years', 'container-title': 'NK News', URL: 'https://nknews.example/5', role: 'cited' },
      { id: 'source-6', role: 'cited' },
    ]);
    expect(notesWith(notes, 'source-details-missing').map((note) => note.message)).toEqual([
      'Source 6 is known here only by number: add URL, title and outlet.',
    ]);
    expect(renderStoryText(story)).toBe(seedWith('Sources\n\nTimeline', `Sources\n\n${listing.replace('\n\n[6]', '')}\n\nTimeline`));
  });

  it('reads combined markers "[2, 5]" and separate ones "[2][5]" as one citation of two sources', () => {
    const combined = seedWith('Polish capital\u202f[1].', 'Polish capital\u202f[2, 5].');
    const separate = seedWith('Polish capital\u202f[1].', 'Polish capital\u202f[2][5].');
    for (const [page, style] of [[combined, 'combined'], [separate, 'separate']] as const) {
      const { story, notes } = importStoryText(page);
      const content = story.sections[0]?.body[0]?.content ?? [];
      expect(content[1]).toEqual({ type: 'citation', sources: ['source-2', 'source-5'] });
      expect(content[2]).toMatchObject({ type: 'text', text: expect.stringMatching(/^\. Officials/) });
      expect(story.citationStyle).toBe(style);
      expect(renderStoryText(story)).toBe(page);
      expect(codes(notes)).toEqual(['hero-image-placeholder', 'source-details-missing']);
    }
    const both = importStoryText(combined.replace('communication\u202f[1].', 'communication\u202f[3][4].'));
    expect(both.story.citationStyle).toBe('combined');
    expect(codes(both.notes)).toContain('citation-style-mixed');
  });

  it('keeps a timeline label it cannot read, without a machine date, and says so', () => {
    const { story, notes } = importStoryText(seedWith('2010 \u2013 South Korea', 'Sometime \u2013 South Korea'));
    expect(story.timeline[1]?.date).toEqual({ label: 'Sometime' });
    expect(story.timeline[1]?.body[0]).toEqual({ type: 'text', text: expect.stringMatching(/^South Korea and the European Union/) });
    const [note] = notesWith(notes, 'timeline-date-unread');
    expect(note).toMatchObject({ line: 28, text: expect.stringMatching(/^Sometime \u2013 /) });
    expect(note?.message).toContain('"Sometime"');
  });

  it('reads a timeline written with a hyphen, and a label without text', () => {
    const { story, notes } = importStoryText(seedWith('2010 \u2013 South Korea', '2010 - South Korea').replace('\n\nAll related', '\n\nMarch 2026\n\nAll related'));
    expect(story.timeline[1]?.date).toEqual({ label: '2010', edtf: '2010' });
    expect(story.timeline.at(-1)).toMatchObject({ date: { label: 'March 2026', edtf: '2026-03' }, body: [] });
    expect(codes(notes)).toContain('timeline-separator-guessed');
  });

  it('reads a page without a timeline: the article count then adds the sources it never cites', () => {
    const page = seed.replace(/\n\nTimeline\n\n[\s\S]*(?=\n\nAll related)/, '');
    const { story, notes } = importStoryText(page);
    expect(story.timeline).toEqual([]);
    expect(story.sources.map((source) => source.id)).toEqual(['source-1', 'source-2', 'source-3', 'source-4', 'source-5', 'source-6']);
    expect(codes(notes)).toEqual(['source-placeholder', 'article-count-mismatch', 'hero-image-placeholder', 'source-details-missing', 'article-count-mismatch']);
    expect(notesWith(notes, 'article-count-mismatch')[0]).toMatchObject({ line: 7, text: 'Updated (6 articles)' });
    // The page always prints its "Timeline" label, even over an empty timeline.
    expect(renderStoryText(story)).toBe(page.replace('\n\nAll related', '\n\nTimeline\n\nAll related'));
  });

  it('says when the article count disagrees with the sources found', () => {
    const { story, notes } = importStoryText(seedWith('Updated (6 articles)', 'Updated (7 articles)'));
    expect(story.sources).toHaveLength(7);
    expect(notesWith(notes, 'article-count-mismatch')).toHaveLength(1);
    expect(notesWith(notes, 'source-placeholder')[0]?.message).toContain('Source 7 is counted');
  });

  it('keeps a line whose heading cannot be found whole, under an empty heading, and joins the next one', () => {
    const page = seedWith('Inaugural Security Talks Held in Warsaw The inaugural', 'the inaugural')
      .replace('\n\nSenior Officials', '\n\nOfficials later met again.\n\nSenior Officials');
    const { story, notes } = importStoryText(page);
    expect(story.sections[0]?.heading).toBe('');
    expect(texts(story.sections[0]?.body[0])).toMatch(/^the inaugural bilateral .* capital\{source-1\}\. Officials/);
    expect(texts(story.sections[0]?.body[1])).toBe('Officials later met again.');
    expect(story.sections.slice(1).map((section) => section.heading)).toEqual(sample.sections.slice(1).map((section) => section.heading));
    expect(notesWith(notes, 'heading-not-found')).toMatchObject([{ line: 12 }]);
    expect(notesWith(notes, 'paragraph-without-heading')).toMatchObject([{ line: 14, text: 'Officials later met again.' }]);
  });

  it('reads a heading written on its own line with the line under it as its body', () => {
    const page = seedWith('Held in Warsaw The inaugural', 'Held in Warsaw\n\nThe inaugural');
    const { story, notes } = importStoryText(page);
    expect(asShown(story)).toEqual(asShown(sample));
    expect(codes(notes)).toEqual(['hero-image-placeholder', 'source-details-missing']);
  });

  it('keeps what fits nowhere in an "Unsorted" section, and says where it came from', () => {
    const page = seedWith('Sources\n\nTimeline', 'Sources\n\nSee also our explainer.\n\n[2] Korea, EU talks \u2013 Yonhap\n\n[2] Again\n\nTimeline')
      .replace('Feeds\n\n', 'Feeds\n\nWorld | Asia\n\n')
      .concat('\n\nSeoul hosts NATO delegation \u2013 Yonhap\n\nKorea, EU hold strategic dialogue \u2013 Korea Herald');
    const { story, notes } = importStoryText(page);
    const unsorted = story.sections.at(-1);
    expect(unsorted?.heading).toBe(UNSORTED_HEADING);
    expect(unsorted?.body.map(texts)).toEqual([
      'World | Asia',
      'See also our explainer.',
      '[2] Again',
      'Seoul hosts NATO delegation \u2013 Yonhap',
      'Korea, EU hold strategic dialogue \u2013 Korea Herald',
    ]);
    expect(notesWith(notes, 'unsorted').map((note) => note.line)).toEqual([5, 26, 30, 54, 56]);
    expect(story.sources[1]).toEqual({ id: 'source-2', title: 'Korea, EU talks', 'container-title': 'Yonhap', role: 'cited' });
    expect(story.title).toBe(sample.title);
  });

  it('keeps an impossible marker as text and cites a repeated source once', () => {
    const page = seedWith('Polish capital\u202f[1].', 'Polish capital\u202f[0].').replace('communication\u202f[1].', 'communication\u202f[1][1].');
    const { story, notes } = importStoryText(page);
    const content = story.sections[0]?.body[0]?.content ?? [];
    expect(content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Polish capital\u202f[0]. Officials') });
    expect(content[1]).toEqual({ type: 'citation', sources: ['source-1'] });
    expect(codes(notes)).toEqual(expect.arrayContaining(['citation-unreadable', 'citation-repeated']));
  });

  it('says when the numbers cited skip some, since Storydesk will renumber them', () => {
    const page = seed.replaceAll('[1]', '[3]');
    const { notes } = importStoryText(page);
    expect(notesWith(notes, 'citation-numbers-change')[0]?.message).toContain('never cites 1');
  });

  it('reads a page without sources, and a page without a header', () => {
    const bare = importStoryText('Desk\n\nFeeds\n\nQuiet Day in Parliament\n\nUpdated (0 articles)\n\nNothing Happened Members went home early.\n\nAll related articles (0 articles)');
    expect(bare.story.sources).toEqual([]);
    expect(bare.story.sections).toMatchObject([{ heading: 'Nothing Happened', body: [{ content: [{ type: 'text', text: 'Members went home early.' }] }] }]);
    expect(bare.notes).toEqual([]);

    const headless = importStoryText('Parliament Rises Early\nMembers went home at noon.');
    expect(headless.story).toMatchObject({ title: 'Parliament Rises Early', feed: '', sections: [{ heading: '', body: [{}] }] });
    expect(codes(headless.notes)).toEqual(['header-incomplete', 'header-incomplete', 'heading-not-found']);
  });

  it('reads the feed above the headline when the navigation line is missing', () => {
    const { story, notes } = importStoryText(seedWith('Top Headlines\n\nFeeds\n\n', 'Top Headlines\n\n'));
    expect(story).toMatchObject({ feed: 'Top Headlines', title: sample.title });
    expect(notesWith(notes, 'header-incomplete')).toMatchObject([{ line: 1 }]);
  });
});

describe('splitSectionHeading', () => {
  it('splits at the article that starts the sentence, or at the last capitalised word of the run', () => {
    expect(splitSectionHeading('Inaugural Security Talks Held in Warsaw The inaugural bilateral dialogue')).toEqual({
      heading: 'Inaugural Security Talks Held in Warsaw',
      body: 'The inaugural bilateral dialogue',
    });
    expect(splitSectionHeading('Defense Industry Cooperation Underpins Partnership Existing defense\u2011industry ties')?.heading).toBe(
      'Defense Industry Cooperation Underpins Partnership',
    );
    expect(splitSectionHeading('Talks End The European Union said no')?.heading).toBe('Talks End');
    expect(splitSectionHeading('Monitoring to Begin in March Hydrologists from both sides will')?.heading).toBe('Monitoring to Begin in March');
  });

  it('does not cut a name the page writes elsewhere', () => {
    const line = 'Senior Officials Lead Negotiations South Korea was represented by Jeong';
    expect(splitSectionHeading(line)?.heading).toBe('Senior Officials Lead Negotiations South');
    expect(splitSectionHeading(line, ['talks between South Korea and Poland'])?.heading).toBe('Senior Officials Lead Negotiations');
  });

  it('does not end a heading with a word that starts names elsewhere, even after an article', () => {
    const line = 'Ministers Reach Agreement After Marathon Talks European Union ministers agreed early Friday.';
    expect(splitSectionHeading(line)?.heading).toBe('Ministers Reach Agreement After Marathon Talks European');
    expect(splitSectionHeading(line, ['The European Commission proposes the act.'])).toEqual({
      heading: 'Ministers Reach Agreement After Marathon Talks',
      body: 'European Union ministers agreed early Friday.',
    });
    expect(splitSectionHeading(line, ['What Happens Next The European Parliament votes in March.'])?.heading).toBe('Ministers Reach Agreement After Marathon Talks');
  });

  it('finds no heading in an ordinary sentence', () => {
    expect(splitSectionHeading('The meeting ended early.')).toBeUndefined();
    expect(splitSectionHeading('Officials of the two ministries met.')).toBeUndefined();
    expect(splitSectionHeading('the talks resumed')).toBeUndefined();
    expect(splitSectionHeading('')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Two pages of our own, in the seed's layout
// ---------------------------------------------------------------------------------------------

const GLACIER_PAGE = [
  'World',
  'Feeds',
  'Chile and Argentina Sign Glacier Water Accord in Santiago',
  [
    'Updated (4 articles)',
    '  \u2022 Chile\u2019s foreign minister and her Argentine counterpart shake hands after signing the accord in Santiago on Jan. 9, 2026. (EDITORIAL USE ONLY) (Reuters)',
    '    Image: Reuters',
    '    Ministers shake hands after signing the accord in Santiago. (EDITORIAL USE ONLY) Source Full size',
  ].join('\n'),
  'Accord Signed After Two Years of Talks Chilean and Argentine negotiators signed a treaty on the shared glaciers of the southern Andes\u202f[1, 3]. The agreement sets joint limits on mining near ice fields\u202f[1].',
  'Shared Basins Under Pressure The accord covers 14 river basins that cross the border\u202f[2]. Scientists from the University of Chile say the glaciers lost a fifth of their mass since 2000\u202f[2][4].',
  'Monitoring to Begin in March Hydrologists from both countries will install gauges on the Upsala and Grey glaciers\u202f[3]. A joint commission will publish readings each quarter\u202f[1].',
  'Sources',
  '[1] Chile and Argentina seal glacier pact \u2013 Reuters \u2013 https://www.reuters.example/glacier-pact',
  '[2] Andes glaciers shrinking faster \u2013 El Mercurio',
  '[3] https://www.clarin.example/acuerdo-glaciares',
  '[4] University of Chile glacier survey',
  'Timeline',
  '2019 \u2013 Chile passes a national glacier protection law after a decade of debate\u202f[2].',
  'Nov 2024 \u2013 Talks on a shared glacier treaty open in Buenos Aires\u202f[1].',
  'Jan 9, 2026 \u2013 The two ministers sign the accord in Santiago\u202f[1][3].',
  'Next spring \u2013 The commission is to meet for the first time\u202f[3].',
  'All related articles (4 articles)',
].join('\n\n');

const SEABED_PAGE = [
  'Science',
  'Feeds',
  'Deep\u2011Sea Mining Moratorium Gains Support at Kingston Talks',
  'Updated (5 articles)',
  'Pacific States Lead the Push Papua New Guinea and Fiji asked the seabed authority to pause licences until rules are agreed\u202f[1]. Delegates said that Papua New Guinea had changed its position since 2023\u202f[2].',
  'Why the Seabed Matters Scientists warn that nodules host species found nowhere else\u202f[3][5].',
  'Most of the abyssal plain has never been surveyed\u202f[3].',
  'Industry Pushes Back Mining firms argue that land mines cause more damage\u202f[4].',
  'What Comes Next? The council meets again in July\u202f[1].',
  'Sources',
  'Timeline',
  'Jul 2023 \u2013 Talks on a mining code miss their deadline\u202f[2].',
  'Sometime \u2013 A first licence could be granted\u202f[4].',
  'Mar 2026 \u2013 Fiji and Papua New Guinea call for a pause\u202f[1].',
  'All related articles (5 articles)',
].join('\n\n');

describe('importStoryText on pages of other stories', () => {
  it('reads a page with a hero, listed sources, both marker styles and a relative date', () => {
    const { story, notes } = importStoryText(GLACIER_PAGE);
    expect(story).toMatchObject({ feed: 'World', title: 'Chile and Argentina Sign Glacier Water Accord in Santiago', citationStyle: 'combined' });
    expect(story.hero).toMatchObject({
      alt: expect.stringMatching(/^Chile\u2019s foreign minister.*\(Reuters\)$/),
      caption: 'Ministers shake hands after signing the accord in Santiago. (EDITORIAL USE ONLY)',
      credit: 'Reuters',
      usageTerms: 'EDITORIAL USE ONLY',
    });
    expect(story.sections.map((section) => section.heading)).toEqual([
      'Accord Signed After Two Years of Talks',
      'Shared Basins Under Pressure',
      'Monitoring to Begin in March',
    ]);
    expect(story.sections.map((section) => texts(section.body[0]))).toEqual([
      'Chilean and Argentine negotiators signed a treaty on the shared glaciers of the southern Andes{source-1,source-3}. The agreement sets joint limits on mining near ice fields{source-1}.',
      'The accord covers 14 river basins that cross the border{source-2}. Scientists from the University of Chile say the glaciers lost a fifth of their mass since 2000{source-2,source-4}.',
      'Hydrologists from both countries will install gauges on the Upsala and Grey glaciers{source-3}. A joint commission will publish readings each quarter{source-1}.',
    ]);
    expect(story.sources).toEqual([
      { id: 'source-1', title: 'Chile and Argentina seal glacier pact', 'container-title': 'Reuters', URL: 'https://www.reuters.example/glacier-pact', role: 'cited' },
      { id: 'source-2', title: 'Andes glaciers shrinking faster', 'container-title': 'El Mercurio', role: 'cited' },
      { id: 'source-3', URL: 'https://www.clarin.example/acuerdo-glaciares', role: 'cited' },
      { id: 'source-4', title: 'University of Chile glacier survey', role: 'cited' },
    ]);
    expect(story.timeline.map((entry) => entry.date)).toEqual([
      { label: '2019', edtf: '2019' },
      { label: 'Nov 2024', edtf: '2024-11' },
      { label: 'Jan 9, 2026', edtf: '2026-01-09' },
      { label: 'Next spring' },
    ]);
    expect(story.timeline[2]?.body).toEqual([
      { type: 'text', text: 'The two ministers sign the accord in Santiago' },
      { type: 'citation', sources: ['source-1', 'source-3'] },
      { type: 'text', text: '.' },
    ]);
    expect(codes(notes)).toEqual(['citation-style-mixed', 'hero-image-placeholder', 'timeline-date-unread']);
    expect(notesWith(notes, 'timeline-date-unread')[0]?.line).toBe(36);
  });

  it('reads a page without a hero, with a two-paragraph section and a sentence that opens with a name', () => {
    const { story, notes } = importStoryText(SEABED_PAGE);
    expect(story.hero).toBeUndefined();
    expect(story.citationStyle).toBe('separate');
    expect(story.sections.map((section) => [section.heading, section.body.length])).toEqual([
      ['Pacific States Lead the Push', 1],
      ['Why the Seabed Matters', 2],
      ['Industry Pushes Back', 1],
      ['What Comes Next?', 1],
    ]);
    expect(texts(story.sections[0]?.body[0])).toMatch(/^Papua New Guinea and Fiji asked/);
    expect(texts(story.sections[1]?.body[1])).toBe('Most of the abyssal plain has never been surveyed{source-3}.');
    expect(story.sources.map((source) => source.id)).toEqual(['source-1', 'source-2', 'source-3', 'source-4', 'source-5']);
    expect(story.timeline.map((entry) => entry.date)).toEqual([
      { label: 'Jul 2023', edtf: '2023-07' },
      { label: 'Sometime' },
      { label: 'Mar 2026', edtf: '2026-03' },
    ]);
    expect(codes(notes)).toEqual(['paragraph-without-heading', 'source-details-missing', 'timeline-date-unread']);
    expect(renderStoryText(story)).toBe(SEABED_PAGE);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Capitalised words for feeds, titles, headings and sentence starts; none is a label of the page. */
const CAPITALISED = [
  'Border', 'Talks', 'Resume', 'Ministers', 'Agree', 'Budget', 'Vote', 'Delayed', 'Harbour', 'Reform', 'Coalition',
  'Water', 'Rights', 'Court', 'Rules', 'Europe\u2011Asia', 'Nation\u2019s', 'Energy', 'Summit', 'Officials', 'Critics',
  'Analysts', 'Parliament', 'Farmers', 'Seoul', 'Warsaw', '2026', 'Q3',
];
/** The layout cannot tell a number that opens a sentence from one that ends a heading: none here. */
const SENTENCE_STARTS = [...CAPITALISED.filter((word) => !/^\d/.test(word)), 'The', 'A', 'An', 'This', 'Both'];
const LOWER_CASE = [
  'talks', 'officials', 'agreed', 'border', 'security', 'trade', 'ministers', 'signed', 'high\u2011level', 'nation\u2019s',
  'water', 'plan', 'a', 'the', 'of', 'in', 'on', 'and', 'new', 'rules', 'budget', 'vote', 'delayed', 'reported', '2\u202fFebruary',
  'quickly', 'again,', '14', 'per\u202fcent',
];
const FUNCTION = ['in', 'of', 'on', 'and', 'for', 'the', 'to'];
const LABELS = ['1950\u201153', '2010', 'Late\u202f2024', 'Dec\u202f4,\u202f2025', 'Jan 13, 2026', 'Sometime', 'Spring 2025', 'March 2026', 'Friday'];

const capitalised = fc.constantFrom(...CAPITALISED);
const words = (count: { minLength: number; maxLength: number }) => fc.array(capitalised, count).map((list) => list.join(' '));
/** Title Case: capitalised words, a function word in lower case now and then, never at the end. */
const heading = fc
  .tuple(capitalised, fc.array(fc.tuple(fc.option(fc.constantFrom(...FUNCTION), { nil: undefined }), capitalised), { maxLength: 5 }))
  .map(([first, rest]) => [first, ...rest.flatMap(([small, word]) => (small === undefined ? [word] : [small, word]))].join(' '));
const sentenceWords = fc
  .tuple(fc.constantFrom(...SENTENCE_STARTS), fc.array(fc.constantFrom(...LOWER_CASE), { minLength: 2, maxLength: 7 }))
  .map(([first, rest]) => [first, ...rest].join(' '));

/** Inline content of sentences, a citation before some full stops (as the seed) or after them. */
function inlineContent(sourceIds: readonly string[]): fc.Arbitrary<Inline[]> {
  const citation: fc.Arbitrary<Inline | undefined> =
    sourceIds.length === 0
      ? fc.constant(undefined)
      : fc.option(fc.subarray([...sourceIds], { minLength: 1 }).map((sources): Inline => ({ type: 'citation', sources })), { nil: undefined });
  const sentence = fc.tuple(sentenceWords, citation, fc.boolean());
  return fc.array(sentence, { minLength: 1, maxLength: 3 }).map((sentences) => {
    const content: Inline[] = [];
    sentences.forEach(([text, cited, afterStop], index) => {
      const opening = index === 0 ? text : ` ${text}`;
      if (cited === undefined) content.push({ type: 'text', text: `${opening}.` });
      else if (afterStop) content.push({ type: 'text', text: `${opening}.` }, cited);
      else content.push({ type: 'text', text: opening }, cited, { type: 'text', text: '.' });
    });
    return content;
  });
}

const generatedStory: fc.Arbitrary<Story> = fc
  .record({
    sources: fc.array(
      fc.record(
        {
          title: sentenceWords,
          'container-title': words({ minLength: 1, maxLength: 2 }),
          URL: fc.constantFrom('https://news.example/a', 'http://example.org/b?c=1', 'https://www.outlet.example/2026/02/story'),
          issued: fc.constantFrom('2025-12-04', '2026-01', '2026-02-02', '2024'),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 6 },
    ),
    citationOrder: fc.constantFrom('newest-first' as const, 'first-appearance' as const, 'manual' as const),
    citationStyle: fc.constantFrom('separate' as const, 'combined' as const),
    hero: fc.option(fc.record({ alt: fc.option(sentenceWords, { nil: '' }), caption: fc.option(sentenceWords, { nil: '' }), credit: capitalised }), {
      nil: undefined,
    }),
  })
  .chain(({ sources, citationOrder, citationStyle, hero }) => {
    const ids = sources.map((_, index) => `s${index}`);
    const body = inlineContent(ids);
    return fc.record({
      feed: words({ minLength: 1, maxLength: 2 }),
      title: words({ minLength: 2, maxLength: 8 }),
      // A section without a first paragraph prints as a heading on its own line, which the import
      // reads as a heading whose body is the next line: not generated.
      sections: fc.array(fc.tuple(heading, fc.array(body, { minLength: 1, maxLength: 3 })), { maxLength: 4 }),
      timeline: fc.array(fc.tuple(fc.constantFrom(...LABELS), fc.option(body, { nil: undefined })), { maxLength: 5 }),
    }).map((parts): Story => StorySchema.parse({
      id: 'generated',
      slug: 'generated',
      title: parts.title,
      feed: parts.feed,
      status: 'draft',
      ...(hero ? { hero: { ...hero, asset: IMPORT_PLACEHOLDER_IMAGE.asset, usageTerms: '' } } : {}),
      sections: parts.sections.map(([sectionHeading, paragraphs], index) => ({
        id: `section${index}`,
        heading: sectionHeading,
        body: paragraphs.map((content) => ({ type: 'paragraph', content })),
      })),
      sources: sources.map((fields, index) => ({ id: ids[index], ...fields, role: 'cited' })),
      timeline: parts.timeline.map(([label, content], index) => ({ id: `t${index}`, date: { label }, body: content ?? [] })),
      citationOrder,
      citationStyle,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      revision: 0,
    }));
  });

describe('importStoryText properties', () => {
  it('reads rendered text back to the same text: render(import(render(story))) = render(story)', () => {
    const roundTrip = (story: Story) => {
      const page = renderStoryText(story);
      const imported = importStoryText(page).story;
      expect(renderStoryText(imported)).toBe(page);
      // Headings the layout carries come back as written.
      expect(imported.sections.map((section) => section.heading)).toEqual(story.sections.map((section) => section.heading));
      expect(imported.timeline.map((entry) => entry.date.label)).toEqual(story.timeline.map((entry) => entry.date.label));
    };
    roundTrip(sample);
    // RUNS=20000 npx vitest run test/text-import.test.ts searches longer.
    fc.assert(fc.property(generatedStory, roundTrip), { numRuns: Number(process.env.RUNS ?? 400) });
  });

  const check = (text: string) => {
    const { story, notes } = importStoryText(text);
    expect(StorySchema.safeParse(story).success).toBe(true);
    expect(Array.isArray(notes)).toBe(true);
    renderStoryText(story);
  };

  it('never throws, and always returns a valid story, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 500 });
  });

  it('never throws on pages pieced together from the layout’s own lines', () => {
    const seedLines = seed.split('\n');
    const pieces = fc.oneof(
      fc.constantFrom(...seedLines, 'Feeds', 'Sources', 'Timeline', 'Updated (3 articles)', 'Updated (99999 articles)', 'All related articles'),
      fc.constantFrom('[0]', '[1000]', '[2, 5]', '[2][2]', '[1]', '\u202f[3]', ' \u2013 ', '  \u2022 ', '    Image: ', ' Source Full size', '(A B)', '\t', '\u00a0'),
      fc.string({ maxLength: 30 }),
    );
    const line = fc.array(pieces, { maxLength: 4 }).map((parts) => parts.join(''));
    const page = fc.tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r', '\n\n')).map(([lines, ending]) => lines.join(ending));
    fc.assert(fc.property(page, check), { numRuns: 1000 });
  });
});
