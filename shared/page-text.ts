/**
 * Renders a story as its page reads when copied as text, in exactly the seed page's layout
 * (fixtures/seed-story.txt). Tests compare it with the seed byte for byte, and text import
 * reads this layout back.
 */
import { citationMarker, citationNumbers } from './citations';
import type { CitationStyle, HeroImage, Inline, Source, Story } from './model';

export interface PageTextOptions {
  /** Overrides the story's own `citationStyle`. */
  citationStyle?: CitationStyle;
}

/** The page's own navigation, printed under the feed label. */
const NAVIGATION_LABEL = 'Feeds';
/** The labels of the hero's two links; the page shows them whether or not the URLs are known. */
const HERO_LINK_LABELS = 'Source Full size';
/** The page sets every citation marker off from its sentence with a narrow no-break space. */
const BEFORE_CITATION = '\u202f';
/** Between a timeline date and its text, and between the parts of a source's line. */
const DASH_SEPARATOR = ' \u2013 ';

function articleCount(count: number): string {
  return `(${count} ${count === 1 ? 'article' : 'articles'})`;
}

function heroLines(hero: HeroImage): string[] {
  return [
    hero.alt === '' ? undefined : `  \u2022 ${hero.alt}`,
    hero.credit === '' ? undefined : `    Image: ${hero.credit}`,
    `    ${hero.caption === '' ? '' : `${hero.caption} `}${HERO_LINK_LABELS}`,
  ].filter((line) => line !== undefined);
}

/** A source's line in the Sources list, or nothing when it has no title, outlet or URL. */
function sourceLine(source: Source, number: number): string | undefined {
  const parts = [source.title, source['container-title'], source.URL].filter((part) => part !== undefined && part !== '');
  return parts.length === 0 ? undefined : `[${number}] ${parts.join(DASH_SEPARATOR)}`;
}

/** Renders a story as plain text: blocks separated by a blank line, no trailing newline. */
export function renderStoryText(story: Story, options: PageTextOptions = {}): string {
  const numbers = citationNumbers(story);
  const style = options.citationStyle ?? story.citationStyle;
  const inlineText = (content: readonly Inline[]): string =>
    content
      .map((inline) => (inline.type === 'text' ? inline.text : BEFORE_CITATION + citationMarker(inline, numbers, style)))
      .join('');

  const sectionBlocks = story.sections.flatMap((section) => {
    const paragraphs = section.body.map((paragraph) => inlineText(paragraph.content));
    const [first = '', ...rest] = paragraphs;
    const opening = section.heading === '' || first === '' ? section.heading + first : `${section.heading} ${first}`;
    return [opening, ...rest];
  });

  const numberedSources = [...story.sources].sort((a, b) => (numbers.get(a.id) ?? 0) - (numbers.get(b.id) ?? 0));
  const sourceBlocks = numberedSources.map((source) => sourceLine(source, numbers.get(source.id) ?? 0));

  const timelineBlocks = story.timeline.map((entry) => {
    const text = inlineText(entry.body);
    return text === '' ? entry.date.label : entry.date.label + DASH_SEPARATOR + text;
  });

  const updated = [`Updated ${articleCount(story.sources.length)}`, ...(story.hero ? heroLines(story.hero) : [])].join('\n');

  const blocks = [
    story.feed,
    NAVIGATION_LABEL,
    story.title,
    updated,
    ...sectionBlocks,
    'Sources',
    ...sourceBlocks,
    'Timeline',
    ...timelineBlocks,
    `All related articles ${articleCount(story.sources.length)}`,
  ];
  return blocks.filter((block) => block !== undefined && block !== '').join('\n\n');
}
