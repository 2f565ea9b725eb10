// Checks the HTML page renderer as text: the seed page's words in the seed's order, numbering,
// dates, options, determinism, and that nothing in a story (even one that skipped the schema)
// can become markup, a script or a non-http link. test/page-html-browser.test.ts checks the same
// page as Chromium sees it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../shared/base64';
import { citationMarker, citationNumbers } from '../shared/citations';
import { type Citation, type Story, StorySchema } from '../shared/model';
import { PAGE_CONTENT_SECURITY_POLICY, escapeHtml, renderStoryPage } from '../shared/page-html';
import sampleJson from '../shared/sample/sample-story.json';
import { bareSource as source, cite, makeStory, text } from './helpers/stories';

const seed = readFileSync(join(import.meta.dirname, 'fixtures', 'seed-story.txt'), 'utf8');
const heroBytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'shared', 'sample', 'sample-hero.png')));
const sample: Story = StorySchema.parse(sampleJson);


const BLOCK_TAG = /<\/?(?:p|h1|h2|li|ol|ul|section|header|footer|figure|figcaption|nav|main|article|body|span class="source-note")\b[^>]*>/g;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The body's text as a reader sees it, roughly: tags gone, entities decoded, ASCII white space
 * collapsed (only ASCII: U+202F and U+00A0 are text, not layout).
 */
function bodyText(html: string): string {
  const body = html.slice(html.indexOf('<body>'), html.indexOf('</body>'));
  return body
    .replace(BLOCK_TAG, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/[ \t\n]+/g, ' ')
    .trim();
}

function expectInOrder(haystack: string, pieces: readonly string[]): void {
  let from = 0;
  for (const piece of pieces) {
    const at = haystack.indexOf(piece, from);
    expect(at, `"${piece.slice(0, 60)}…" after offset ${from}`).toBeGreaterThanOrEqual(0);
    from = at + piece.length;
  }
}

const countOf = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
const attributeValues = (html: string, name: string): string[] => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((match) => match[1] ?? '');

/**
 * The seed's text, block by block, as the page must show it in order. The seed is a copy of a
 * live site: its "Feeds" navigation belongs to that site, the "•" line is the image's alt text
 * (an attribute here), and "Source Full size" are links the sample has no addresses for.
 */
function seedPiecesInOrder(): { pieces: string[]; alt: string } {
  const blocks = seed.split('\n\n');
  const [feed, navigation, title, updated, ...rest] = blocks;
  expect(navigation).toBe('Feeds');
  const [updatedLine = '', altLine = '', creditLine = '', captionLine = ''] = (updated ?? '').split('\n');
  expect(updatedLine).toBe('Updated (6 articles)');
  expect(captionLine.endsWith(' Source Full size')).toBe(true);
  return {
    alt: altLine.replace(/^ {2}\u2022 /, ''),
    pieces: [feed ?? '', title ?? '', 'Updated', '(6 articles)', creditLine.trim(), captionLine.trim().replace(/ Source Full size$/, ''), ...rest],
  };
}

describe('renderStoryPage and the seed page', () => {
  const html = renderStoryPage(sample, { hero: { kind: 'data', bytes: heroBytes } });
  const page = bodyText(html);

  it('makes the same page from the hero’s base64 as from its bytes (the live preview keeps base64)', () => {
    expect(renderStoryPage(sample, { hero: { kind: 'base64', data: Buffer.from(heroBytes).toString('base64') } })).toBe(html);
  });

  it('shows the seed page’s words in the seed’s order', () => {
    const { pieces, alt } = seedPiecesInOrder();
    expectInOrder(page, pieces);
    expect(attributeValues(html, 'alt')).toEqual([escapeHtml(alt)]);
  });

  it('has one section per seed section, each reading exactly as the seed block', () => {
    const sections = [...html.matchAll(/<section class="story-section" id="section-[\w-]+">([\s\S]*?)<\/section>/g)].map((match) => bodyText(`<body>${match[1]}</body>`));
    const seedSections = seed.split('\n\n').slice(4, 9);
    expect(sections).toEqual(seedSections);
  });

  it('renders the timeline lines of the seed, in the story’s order', () => {
    const timeline = html.slice(html.indexOf('<h2 id="timeline-heading">'), html.indexOf('<footer'));
    const lines = [...timeline.matchAll(/<li id="entry-[\w-]+">([\s\S]*?)<\/li>/g)].map((match) => bodyText(`<body>${match[1]}</body>`));
    const seedBlocks = seed.split('\n\n');
    expect(lines).toEqual(seedBlocks.slice(seedBlocks.indexOf('Timeline') + 1, -1));
  });

  it('counts the articles, dates the update in UTC and lists every source', () => {
    expect(page).toContain('Updated Feb 2, 2026 (6 articles)');
    expect(html).toContain('<time datetime="2026-02-02T12:00:00.000Z">Feb 2, 2026</time>');
    expect(page).toContain('All related articles (6 articles)');
    expect(countOf(html, '<li id="source-')).toBe(6);
    expect(countOf(html, '<section class="story-section" id="section-')).toBe(5);
    expect(countOf(html, '\u202f<sup class="citation">')).toBe(15 + 9);
  });

  it('keeps every special character of the seed, as many times as the seed has it', () => {
    for (const character of ['\u2011', '\u2019', '\u202f']) {
      expect(countOf(page, character), `U+${character.codePointAt(0)?.toString(16)}`).toBe(countOf(seed, character));
    }
    const timeline = bodyText(`<body>${html.slice(html.indexOf('<h2 id="timeline-heading">'), html.indexOf('<footer'))}</body>`);
    expect(countOf(timeline, '\u2013')).toBe(countOf(seed, '\u2013'));
    expect(page).not.toMatch(/ \[\d\]/);
  });

  it('numbers the sources newest first: [1] is the Feb 2, 2026 article and links to #source-1', () => {
    const ids = [...html.matchAll(/<li id="(source-\d+)" data-source-id="[\w-]+">[\s\S]*?<time datetime="([\d-]+)">/g)].map((match) => [match[1], match[2]]);
    expect(ids).toEqual([
      ['source-1', '2026-02-02'],
      ['source-2', '2026-01-22'],
      ['source-3', '2026-01-15'],
      ['source-4', '2026-01-13'],
      ['source-5', '2025-12-17'],
      ['source-6', '2025-12-04'],
    ]);
    expect(html).toContain('Polish capital\u202f<sup class="citation"><a href="#source-1" aria-label="Source 1">[1]</a></sup>.');
    // The first timeline entry (1950‑53) cites the Jan 13, 2026 article: [4].
    expect(html).toMatch(/<li id="entry-[\w-]+"><time>1950\u201153<\/time> \u2013 [^<]*\u202f<sup class="citation"><a href="#source-4"[^>]*>\[4\]<\/a><\/sup>\.<\/li>/);
  });

  it('gives the timeline dates a datetime only when their EDTF is a plain day, month or year', () => {
    expect(html).toContain('<time>1950\u201153</time>');
    expect(html).toContain('<time datetime="2010">2010</time>');
    expect(html).toContain('<time>Late\u202f2024</time>');
    expect(html).toContain('<time datetime="2025-12-04">Dec\u202f4,\u202f2025</time>');
  });

  it('embeds the hero image as a data: URI with its alt text, size, credit and usage terms', () => {
    expect(html).toContain(`<img src="data:image/png;base64,${encodeBase64(heroBytes)}" alt="`);
    expect(html).toContain('width="480" height="270"');
    expect(page).toContain('Image: Yonhap (PHOTO NOT FOR SALE)');
    expect(html).not.toContain('>Source</a>');
    expect(html).not.toContain('>Full size</a>');
  });
});

describe('renderStoryPage: the document', () => {
  const html = renderStoryPage(sample, { hero: { kind: 'data', bytes: heroBytes } });

  it('is one HTML5 file with charset, CSP, viewport, colour schemes, referrer policy and generator', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PAGE_CONTENT_SECURITY_POLICY}">`);
    expect(PAGE_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('<meta name="generator" content="Storydesk">');
    expect(html).toContain(`<title>${sample.title}</title>`);
    expect(html.endsWith('</html>\n')).toBe(true);
  });

  it('has its CSS inline in one <style>, with dark and print rules, and no script at all', () => {
    expect(countOf(html, '<style>')).toBe(1);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<iframe|\son[a-z]+=|javascript:/i);
  });

  it('has landmarks, and headings in order: one h1, then h2s', () => {
    for (const tag of ['<header class="page-header">', '<main>', '<article aria-labelledby="story-title">', '<h1 id="story-title">', '<footer class="related">', '<nav aria-labelledby="related-heading">']) {
      expect(html).toContain(tag);
    }
    const levels = [...html.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));
    expect(levels[0]).toBe(1);
    expect(levels.slice(1).every((level) => level === 2)).toBe(true);
    expect(levels).toHaveLength(1 + 5 + 3);
  });

  it('anchors each section and timeline entry by its id, and names each source’s id beside its number', () => {
    const ids = attributeValues(html, 'id');
    for (const section of sample.sections) expect(ids).toContain(`section-${section.id}`);
    for (const entry of sample.timeline) expect(ids).toContain(`entry-${entry.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(attributeValues(html, 'data-source-id').toSorted()).toEqual(sample.sources.map((source) => source.id).toSorted());
    // Ids follow the part, not its position: moving a section keeps its anchor on its text.
    const [first, second, ...rest] = sample.sections;
    if (!first || !second) throw new Error('the sample has sections');
    const moved = renderStoryPage({ ...sample, sections: [second, first, ...rest] });
    const anchored = new RegExp(`<section class="story-section" id="section-${first.id}"><h2>([^<]*)</h2>`).exec(moved);
    expect(anchored?.[1]).toBe(escapeHtml(first.heading));
  });
});

describe('renderStoryPage: citations, runs and sources', () => {
  const abc = [source('a', { issued: '2026-01-03' }), source('b', { issued: '2026-01-02' }), source('c', { issued: '2026-01-01' })];

  it('writes several sources per marker as [1][2] or [1, 2], with a dangling id as an unlinked ?', () => {
    // Cited sources number first (a, c), then the uncited one (b).
    const story = makeStory({ sources: abc, sections: [{ id: 's', heading: 'H', body: [{ type: 'paragraph', content: [text('One'), cite('c', 'a', 'gone'), text('.')] }] }] });
    expect(renderStoryPage(story)).toContain(
      'One\u202f<sup class="citation"><a href="#source-1" aria-label="Source 1">[1]</a><a href="#source-2" aria-label="Source 2">[2]</a>[?]</sup>.',
    );
    expect(renderStoryPage(story, { citationStyle: 'combined' })).toContain(
      'One\u202f<sup class="citation">[<a href="#source-1" aria-label="Source 1">1</a>, <a href="#source-2" aria-label="Source 2">2</a>, ?]</sup>.',
    );
  });

  it('shows every marker exactly as citationMarker writes it, in both styles', () => {
    const ids = ['a', 'b', 'c', 'gone', 'lost'];
    const citationArbitrary = fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 5 }).map((sources): Citation => ({ type: 'citation', sources }));
    fc.assert(
      fc.property(fc.array(citationArbitrary, { minLength: 1, maxLength: 6 }), fc.constantFrom('separate' as const, 'combined' as const), (citations, style) => {
        const content = citations.flatMap((citation, index) => [text(`Sentence ${index}`), citation]);
        const story = makeStory({ sources: abc, citationStyle: style, citationOrder: 'newest-first', sections: [{ id: 's', heading: 'H', body: [{ type: 'paragraph', content }] }] });
        const numbers = citationNumbers(story);
        const shown = [...renderStoryPage(story).matchAll(/<sup class="citation">(.*?)<\/sup>/g)].map((match) => (match[1] ?? '').replace(/<[^>]*>/g, ''));
        expect(shown).toEqual(citations.map((citation) => citationMarker(citation, numbers, style)));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps bold, italic and http(s) links, one <a> for consecutive runs of one link, closed before a citation', () => {
    const href = 'https://news.example/a?x=1&y=2';
    const story = makeStory({
      sources: abc,
      sections: [
        {
          id: 's',
          heading: 'H',
          body: [
            {
              type: 'paragraph',
              content: [
                text('Plain '),
                text('bold', [{ type: 'bold' }]),
                text(' and '),
                text('both', [{ type: 'italic' }, { type: 'bold' }]),
                text(' read ', [{ type: 'link', href }]),
                text('this', [{ type: 'link', href }, { type: 'italic' }]),
                cite('a'),
                text('.'),
              ],
            },
          ],
        },
      ],
    });
    expect(renderStoryPage(story)).toContain(
      '<p>Plain <strong>bold</strong> and <strong><em>both</em></strong>' +
        '<a href="https://news.example/a?x=1&amp;y=2" rel="noopener noreferrer"> read <em>this</em></a>' +
        '\u202f<sup class="citation"><a href="#source-1" aria-label="Source 1">[1]</a></sup>.</p>',
    );
  });

  it('lists each source with its title linked, outlet, date and authors, and every source among the related articles', () => {
    const story = makeStory({
      sources: [
        source('a', { URL: 'https://news.example/a', title: 'Talks open', 'container-title': 'Yonhap', issued: '2026-02', author: [{ family: 'Kim', given: 'Min-ji' }, { literal: 'Staff' }] }),
        source('b', { title: 'Printed only', 'container-title': 'Gazette', issued: '2025' }),
        source('c', { URL: 'https://news.example/c' }),
      ],
    });
    const html = renderStoryPage(story);
    expect(html).toContain(
      '<li id="source-1" data-source-id="a"><cite class="source-title"><a href="https://news.example/a" rel="noopener noreferrer">Talks open</a></cite>' +
        ' \u2013 <span class="source-outlet">Yonhap</span> \u2013 <time datetime="2026-02">Feb 2026</time> \u2013 <span class="source-authors">Min-ji Kim, Staff</span></li>',
    );
    expect(html).toContain('<li id="source-2" data-source-id="b"><cite class="source-title">Printed only</cite> \u2013 <span class="source-outlet">Gazette</span> \u2013 <time datetime="2025">2025</time></li>');
    expect(html).toContain('<li id="source-3" data-source-id="c"><cite class="source-title"><a href="https://news.example/c" rel="noopener noreferrer">https://news.example/c</a></cite></li>');
    const related = html.slice(html.indexOf('<footer class="related">'));
    expect(related).toContain('<h2 id="related-heading">All related articles (3 articles)</h2>');
    expect(related).toContain('<li><a href="https://news.example/a" rel="noopener noreferrer">Talks open</a> \u2013 <span class="source-outlet">Yonhap</span>');
    expect(related).toContain('<li>Printed only \u2013 <span class="source-outlet">Gazette</span>');
    expect(countOf(related, '<li>')).toBe(3);
  });

  it('says "1 article" for one source and "0 articles" for none', () => {
    expect(bodyText(renderStoryPage(makeStory({ sources: [source('a')] })))).toContain('Updated Jan 1, 2026 (1 article)');
    expect(bodyText(renderStoryPage(makeStory({})))).toContain('All related articles (0 articles)');
  });

  it('dates the update by its UTC day, whatever the machine’s time zone', () => {
    const story = makeStory({ updatedAt: '2026-12-31T23:59:59.999Z' });
    expect(renderStoryPage(story)).toContain('<time datetime="2026-12-31T23:59:59.999Z">Dec 31, 2026</time>');
  });
});

describe('renderStoryPage: options', () => {
  it('links "← All stories" to indexHref, escaped, and refuses an index link that is not relative', () => {
    const html = renderStoryPage(sample, { indexHref: '../index.html?a=1&b=2' });
    expect(html).toContain('<nav aria-label="Site"><a href="../index.html?a=1&amp;b=2">\u2190 All stories</a></nav>');
    expect(renderStoryPage(sample)).not.toContain('All stories');
    expect(renderStoryPage(sample, { indexHref: '"><b>' })).toContain('<a href="&quot;&gt;&lt;b&gt;">');
    for (const indexHref of ['javascript:alert(1)', 'JaVaScRiPt:x', 'java\tscript:x', ' javascript:x', '//evil.example/', '\\\\evil.example', 'https://evil.example/', 'data:text/html,x']) {
      expect(() => renderStoryPage(sample, { indexHref }), indexHref).toThrow(/relative URL/);
    }
  });

  it('shows the hero by a relative URL for the static site, and only caption and credit without one', () => {
    const byUrl = renderStoryPage(sample, { hero: { kind: 'url', url: '../assets/hero.png' } });
    expect(byUrl).toContain('<img src="../assets/hero.png" alt="');
    expect(() => renderStoryPage(sample, { hero: { kind: 'url', url: 'data:image/png;base64,AAAA' } })).toThrow(/relative URL/);
    const without = renderStoryPage(sample);
    expect(without).not.toContain('<img');
    expect(without).toContain('<figure class="hero"><figcaption><p class="hero-credit">Image: Yonhap');
  });

  it('links the hero’s source and full-size image when they are http(s)', () => {
    const story = structuredClone(sample);
    if (story.hero) Object.assign(story.hero, { sourceUrl: 'https://photos.example/1', fullSizeUrl: 'https://photos.example/1/full.jpg' });
    const html = renderStoryPage(story);
    expect(html).toContain(
      '<p class="hero-links"><a href="https://photos.example/1" rel="noopener noreferrer">Source</a> <a href="https://photos.example/1/full.jpg" rel="noopener noreferrer">Full size</a></p>',
    );
  });
});

describe('renderStoryPage: determinism', () => {
  /** The same data with every object's keys in reverse order. */
  function reversedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reversedKeys);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversedKeys(item)]));
    return value;
  }

  it('gives the same bytes for the same story, a clone of it, and a copy with its keys reordered', () => {
    const options = { hero: { kind: 'data' as const, bytes: heroBytes }, indexHref: '../index.html' };
    const first = renderStoryPage(sample, options);
    expect(renderStoryPage(sample, options)).toBe(first);
    expect(renderStoryPage(structuredClone(sample), { ...options, hero: { kind: 'data', bytes: heroBytes.slice() } })).toBe(first);
    expect(renderStoryPage(reversedKeys(sample) as Story, options)).toBe(first);
  });

  it('does not read the clock: only the story and the options change the page', () => {
    const before = renderStoryPage(sample);
    const later = { ...sample, revision: 7, createdAt: '2020-01-01T00:00:00.000Z', status: 'published' as const };
    expect(renderStoryPage(later)).toBe(before);
    expect(renderStoryPage({ ...sample, updatedAt: '2026-02-03T00:00:00.000Z' })).not.toBe(before);
  });
});

describe('renderStoryPage: escaping', () => {
  const ATTACK = `<script>alert(1)</script>"onmouseover=alert(1) x='y' &amp;`;
  /** Built directly, bypassing the schema, as a caller with a bug (or an attacker) might. */
  function hostileStory(): Story {
    return {
      id: 'hostile',
      slug: 'hostile',
      title: ATTACK,
      feed: ATTACK,
      dek: ATTACK,
      status: 'draft',
      hero: {
        asset: { sha256: 'a'.repeat(64), mediaType: 'image/png', width: 2, height: 2, byteLength: 4 },
        alt: ATTACK,
        caption: ATTACK,
        credit: ATTACK,
        usageTerms: ATTACK,
        sourceUrl: 'javascript:alert(1)',
        fullSizeUrl: 'data:text/html,<script>alert(1)</script>',
      },
      sections: [
        {
          id: 's',
          heading: ATTACK,
          body: [
            {
              type: 'paragraph',
              content: [
                text(ATTACK, [{ type: 'link', href: 'javascript:alert(1)' }]),
                text(ATTACK, [{ type: 'link', href: ' https://news.example/' }]),
                text(ATTACK, [{ type: 'bold' }, { type: 'link', href: 'data:text/html,<b>x</b>' }]),
                cite('src', ATTACK),
              ],
            },
          ],
        },
      ],
      sources: [
        {
          id: 'src',
          URL: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
          title: ATTACK,
          'container-title': ATTACK,
          author: [{ literal: ATTACK }, { family: ATTACK, given: ATTACK }],
          issued: ATTACK,
          note: ATTACK,
          role: 'cited',
        },
        { id: 'other', URL: 'javascript:alert(1)//https://news.example/', role: 'cited' },
      ],
      timeline: [{ id: 't', date: { label: ATTACK, edtf: `2026"><script>` }, body: [text(ATTACK), cite('src')] }],
      citationOrder: 'newest-first',
      citationStyle: 'separate',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: ATTACK,
      revision: 0,
    } as Story;
  }

  it('escapes every user string in text and attributes, and makes no link or image of a non-http address', () => {
    const html = renderStoryPage(hostileStory(), { hero: { kind: 'data', bytes: heroBytes } });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('"onmouseover');
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toContain("x='y'");
    const escaped = escapeHtml(ATTACK);
    expect(escaped).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=alert(1) x=&#39;y&#39; &amp;amp;');
    // In the body: feed, title, dek, updated, credit, usage terms, caption, heading, 3 runs,
    // source title ×2 (sources, related), outlet ×2, 3 author names, issued ×2, note, timeline
    // label and body. Besides: <title> and the alt attribute.
    const inBody = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 3 + 2 + 2 + 3 + 2 + 1 + 1 + 1;
    expect(countOf(bodyText(html), ATTACK)).toBe(inBody);
    expect(countOf(html, escaped)).toBe(inBody + 2);
    expect(attributeValues(html, 'alt')).toEqual([escaped]);
    // The only links left are the two citations of the first source.
    expect(attributeValues(html, 'href')).toEqual(['#source-1', '#source-1']);
    for (const src of attributeValues(html, 'src')) expect(src).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    expect(attributeValues(html, 'datetime')).toEqual([]);
    expect(html).not.toMatch(/href="(?:javascript|data):/i);
  });

  it('escapes the ids in anchors too, though the model allows none of these characters', () => {
    const story = hostileStory();
    const hostileId = `x"><script>alert(1)</script>`;
    const html = renderStoryPage({
      ...story,
      sections: story.sections.map((section) => ({ ...section, id: hostileId })),
      sources: story.sources.map((source, index) => (index === 1 ? { ...source, id: hostileId } : source)),
      timeline: story.timeline.map((entry) => ({ ...entry, id: hostileId })),
    });
    expect(html).not.toMatch(/<script/i);
    const escapedId = escapeHtml(hostileId);
    expect(attributeValues(html, 'id')).toEqual(expect.arrayContaining([`section-${escapedId}`, `entry-${escapedId}`]));
    expect(attributeValues(html, 'data-source-id')).toContain(escapedId);
  });

  it('keeps a link whose address passes WebUrlSchema, and only those', () => {
    const story = makeStory({});
    const run = (href: string): Story => ({ ...story, sections: [{ id: 's', heading: 'H', body: [{ type: 'paragraph', content: [text('x', [{ type: 'link', href }])] }] }] });
    expect(renderStoryPage(run('HTTPS://News.Example/a"b'))).toContain('<a href="HTTPS://News.Example/a&quot;b" rel="noopener noreferrer">x</a>');
    for (const href of ['javascript:alert(1)', 'http:/x', 'https://', 'ftp://news.example/', 'mailto:a@b.example', ' https://news.example/', `https://${'a'.repeat(2048)}`]) {
      expect(renderStoryPage(run(href)), href).toContain('<p>x</p>');
    }
  });

  it('makes markup of no text field, whatever it holds (the page’s tags do not depend on the text)', () => {
    const tagsOf = (html: string) => [...html.matchAll(/<\/?([A-Za-z][A-Za-z0-9]*)/g)].map((match) => match[1]).join(' ');
    const withText = (value: string): Story => {
      const story = structuredClone(sample);
      Object.assign(story, { title: value, feed: value, dek: value });
      if (story.hero) Object.assign(story.hero, { alt: value, caption: value, credit: value, usageTerms: value });
      story.sections = story.sections.map((section) => ({ ...section, heading: value, body: section.body.map((paragraph) => ({ ...paragraph, content: paragraph.content.map((inline) => (inline.type === 'text' ? { ...inline, text: value } : inline)) })) }));
      story.sources = story.sources.map((item) => ({ ...item, title: value, 'container-title': value, note: value, author: [{ literal: value }] }));
      story.timeline = story.timeline.map((entry) => ({ ...entry, date: { ...entry.date, label: value }, body: entry.body.map((inline) => (inline.type === 'text' ? { ...inline, text: value } : inline)) }));
      return story;
    };
    const expected = tagsOf(renderStoryPage(withText('plain'), { hero: { kind: 'data', bytes: heroBytes } }));
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'binary' }), (value) => {
        const html = renderStoryPage(withText(value), { hero: { kind: 'data', bytes: heroBytes } });
        expect(tagsOf(html)).toBe(expected);
        expect(html).not.toMatch(/\son[a-z]+=/i);
      }),
      { numRuns: 300 },
    );
  });
});

describe('escapeHtml', () => {
  it('escapes & < > " \' and keeps every other character as it is', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
    const typography = 'Jeong\u202fYeon\u2011doo\u2019s \u2013 \u2022 \u202e\u200d';
    expect(escapeHtml(typography)).toBe(typography);
  });

  it('round-trips any string and leaves none of the five characters behind', () => {
    const decode = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapeHtml(value);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(decode(escaped)).toBe(value);
      }),
    );
  });
});

describe('encodeBase64', () => {
  it('encodes as RFC 4648 base64 with padding, like Buffer does', () => {
    expect(encodeBase64(new Uint8Array())).toBe('');
    expect(encodeBase64(Uint8Array.of(0x66))).toBe('Zg==');
    expect(encodeBase64(Uint8Array.of(0x66, 0x6f))).toBe('Zm8=');
    expect(encodeBase64(Uint8Array.of(0x66, 0x6f, 0x6f))).toBe('Zm9v');
    expect(encodeBase64(heroBytes)).toBe(Buffer.from(heroBytes).toString('base64'));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });

  it('encodes images larger than one chunk', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, index) => (index * 7919) & 0xff);
    expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(encodeBase64(bytes.subarray(1))).toBe(Buffer.from(bytes.subarray(1)).toString('base64'));
  });
});
