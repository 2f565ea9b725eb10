// Checks that the built-in sample story is a faithful, valid transcription of the seed page and
// that its hero image is the committed, reproducible output of scripts/make-sample-hero.js.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationNumbers, citationsInReadingOrder } from '../shared/citations';
import { type Citation, type Inline, type Story, StorySchema } from '../shared/model';
import sampleJson from '../shared/sample/sample-story.json';

const root = join(import.meta.dirname, '..');
const heroPath = join(root, 'shared', 'sample', 'sample-hero.png');
const sample: Story = StorySchema.parse(sampleJson);

const citations = (content: readonly Inline[]): Citation[] =>
  content.filter((inline): inline is Citation => inline.type === 'citation');
const plainText = (content: readonly Inline[]): string =>
  content.map((inline) => (inline.type === 'text' ? inline.text : '')).join('');

describe('the sample story', () => {
  it('is a valid Story', () => {
    const result = StorySchema.safeParse(sampleJson);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('carries the page header and fixed metadata', () => {
    expect(sample).toMatchObject({
      id: 'sample-korea-poland-security-dialogue',
      feed: 'Top Headlines',
      title: 'South Korea and Poland Launch First Bilateral Security Dialogue on Korean Peninsula',
      slug: 'south-korea-and-poland-launch-first-bilateral-security-dialogue-on-korean-peninsula',
      status: 'draft',
      citationOrder: 'newest-first',
      citationStyle: 'separate',
      revision: 0,
      createdAt: '2026-02-02T12:00:00.000Z',
      updatedAt: '2026-02-02T12:00:00.000Z',
    });
    expect(sample.publishedAt).toBeUndefined();
    expect(sample.dek).toBeUndefined();
  });

  it('describes the hero as the page does, without invented links', () => {
    const caption =
      'Jeong Yeon-doo (L), vice minister for diplomatic strategy and intelligence, poses for a photo with Robert Kupiecki, ' +
      'undersecretary of state for security policy at the Polish foreign ministry, ahead of their security strategy dialogue ' +
      'in Warsaw on Feb. 2, 2026, in this photo provided by the foreign ministry in Seoul. (PHOTO NOT FOR SALE) (Yonhap)';
    expect(sample.hero?.caption).toBe(caption);
    expect(sample.hero?.alt).toBe(caption);
    expect(sample.hero?.credit).toBe('Yonhap');
    expect(sample.hero?.usageTerms).toBe('PHOTO NOT FOR SALE');
    expect(sample.hero?.sourceUrl).toBeUndefined();
    expect(sample.hero?.fullSizeUrl).toBeUndefined();
  });

  it('points its hero at the committed PNG: hash, size and pixel dimensions', () => {
    const bytes = readFileSync(heroPath);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
    expect(bytes.length).toBeLessThan(20_000);
    expect(sample.hero?.asset).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mediaType: 'image/png',
      width: bytes.readUInt32BE(16),
      height: bytes.readUInt32BE(20),
      byteLength: bytes.length,
    });
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([480, 270]);
  });

  it('has a hero image that the generator reproduces byte for byte', () => {
    const folder = mkdtempSync(join(tmpdir(), 'storydesk-hero-'));
    try {
      const copy = join(folder, 'hero.png');
      execFileSync(process.execPath, [join(root, 'scripts', 'make-sample-hero.js'), copy]);
      expect(readFileSync(copy).equals(readFileSync(heroPath))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('has five one-paragraph sections with the page headings', () => {
    expect(sample.sections.map((section) => section.heading)).toEqual([
      'Inaugural Security Talks Held in Warsaw',
      'Senior Officials Lead Negotiations',
      'Emphasis on Europe\u2011Northeast Asia Security Linkages',
      'Defense Industry Cooperation Underpins Partnership',
      'Official Statement Documents Commitment',
    ]);
    for (const section of sample.sections) expect(section.body).toHaveLength(1);
  });

  it('cites fifteen sentences in its sections, every one of them to source [1] alone', () => {
    const numbers = citationNumbers(sample);
    const sectionCitations = sample.sections.flatMap((section) => citations(section.body[0]?.content ?? []));
    expect(sectionCitations).toHaveLength(15);
    for (const citation of sectionCitations) {
      expect(citation.sources).toEqual(['src-2026-02-02']);
      expect(numbers.get(citation.sources[0] ?? '')).toBe(1);
    }
    // Each paragraph is three sentences, each closed by "text, citation, period".
    for (const section of sample.sections) {
      const kinds = (section.body[0]?.content ?? []).map((inline) => inline.type);
      expect(kinds).toEqual(['text', 'citation', 'text', 'citation', 'text', 'citation', 'text']);
      expect(section.body[0]?.content.at(-1)).toEqual({ type: 'text', text: '.' });
    }
  });

  it('keeps the citation spacing out of the text runs, where the renderer puts it', () => {
    const runs = [
      ...sample.sections.flatMap((section) => section.body.flatMap((paragraph) => paragraph.content)),
      ...sample.timeline.flatMap((entry) => entry.body),
    ].flatMap((inline) => (inline.type === 'text' ? [inline.text] : []));
    for (const text of runs) {
      expect(text).not.toMatch(/\u202f$/);
      expect(text).not.toMatch(/\[\d+\]/);
    }
    const first = sample.sections[0]?.body[0]?.content ?? [];
    expect(first[0]).toEqual({
      type: 'text',
      text:
        'The inaugural bilateral security dialogue between South Korea and Poland convened on 2\u202fFebruary\u202f2026 ' +
        'in Warsaw, marking the first such platform in the Polish capital',
    });
  });

  it('lists six cited sources newest first, numbered 1 to 6, with nothing invented', () => {
    const issued = ['2026-02-02', '2026-01-22', '2026-01-15', '2026-01-13', '2025-12-17', '2025-12-04'];
    expect(sample.sources.map((source) => source.id)).toEqual(issued.map((date) => `src-${date}`));
    expect(sample.sources.map((source) => source.issued)).toEqual(issued);
    const numbers = citationNumbers(sample);
    expect(sample.sources.map((source) => numbers.get(source.id))).toEqual([1, 2, 3, 4, 5, 6]);
    for (const source of sample.sources) {
      expect(source.role).toBe('cited');
      expect(source.URL).toBeUndefined();
      expect(source.title).toBeUndefined();
      expect(source['container-title']).toBeUndefined();
      expect(source.author).toBeUndefined();
      expect(source.note).toMatch(/^Reports .+ \(timeline: .+\)$/);
    }
  });

  it('has nine timeline entries, oldest first, with labels as written and EDTF forms', () => {
    expect(sample.timeline.map((entry) => entry.date)).toEqual([
      { label: '1950\u201153', edtf: '1950/1953' },
      { label: '2010', edtf: '2010' },
      { label: 'Late\u202f2024', edtf: '2024-41' },
      { label: 'Dec\u202f4,\u202f2025', edtf: '2025-12-04' },
      { label: 'Dec\u202f17,\u202f2025', edtf: '2025-12-17' },
      { label: 'Jan\u202f13,\u202f2026', edtf: '2026-01-13' },
      { label: 'Jan\u202f15,\u202f2026', edtf: '2026-01-15' },
      { label: 'Jan\u202f22,\u202f2026', edtf: '2026-01-22' },
      { label: 'Feb\u202f2,\u202f2026', edtf: '2026-02-02' },
    ]);
  });

  it('cites each timeline entry at its end, to the source the page numbers', () => {
    const numbers = citationNumbers(sample);
    const cited = sample.timeline.map((entry) => {
      expect(entry.body.at(-1)?.type).toBe('text');
      expect(entry.body.at(-2)?.type).toBe('citation');
      expect(plainText(entry.body)).not.toContain('\u2013');
      return citations(entry.body).flatMap((citation) => citation.sources.map((id) => numbers.get(id)));
    });
    expect(cited).toEqual([[4], [2], [2], [6], [5], [4], [3], [2], [1]]);
  });

  it('derives each source date from the latest timeline entry that cites it', () => {
    for (const source of sample.sources) {
      const citingDates = sample.timeline
        .filter((entry) => citations(entry.body).some((citation) => citation.sources.includes(source.id)))
        .map((entry) => entry.date.edtf ?? '');
      expect(citingDates.sort().at(-1)).toBe(source.issued);
    }
  });

  it('leaves no citation dangling and no source uncited', () => {
    const known = new Set(sample.sources.map((source) => source.id));
    const citedIds = new Set(citationsInReadingOrder(sample).flatMap((citation) => citation.sources));
    expect([...citedIds].filter((id) => !known.has(id))).toEqual([]);
    expect([...known].filter((id) => !citedIds.has(id))).toEqual([]);
  });
});
