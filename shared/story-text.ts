/**
 * Plain text of a story's parts, without citation markers: what the search index holds and what
 * a new story's slug is made from.
 */
import type { Inline, Paragraph, Source, Story } from './model';

export function inlineText(content: readonly Inline[]): string {
  let text = '';
  for (const node of content) if (node.type === 'text') text += node.text;
  return text;
}

export function paragraphsText(paragraphs: readonly Paragraph[]): string {
  return paragraphs.map((paragraph) => inlineText(paragraph.content)).join('\n');
}

function sourceText(source: Source): string {
  const authors = (source.author ?? []).map((name) => ('literal' in name ? name.literal : `${name.given ?? ''} ${name.family}`));
  return [source.title, source['container-title'], ...authors, source.note].filter(Boolean).join(' · ');
}

/** The searchable text of a story, one field per kind of content. */
export interface StorySearchText {
  title: string;
  dek: string;
  sections: string;
  timeline: string;
  sources: string;
}

export function storySearchText(story: Story): StorySearchText {
  return {
    title: story.title,
    dek: story.dek ?? '',
    sections: story.sections.map((section) => `${section.heading}\n${paragraphsText(section.body)}`).join('\n\n'),
    timeline: story.timeline.map((entry) => `${entry.date.label} – ${inlineText(entry.body)}`).join('\n'),
    sources: story.sources.map(sourceText).join('\n'),
  };
}

/** Latin letters that Unicode does not decompose into a base letter and an accent. */
const LATIN_LETTERS: Record<string, string> = {
  ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'ng', ĸ: 'k',
};

/**
 * A URL slug from a title: letters and digits kept (lowercased, accents dropped, ł → l, ß → ss),
 * everything else (spaces, U+2011, U+2019, punctuation) a single hyphen. Words are never cut:
 * the slug stops at the last whole word within `maxLength`.
 */
export function slugFromTitle(title: string, maxLength = 100): string {
  const words = title
    .toLowerCase()
    .replace(/[łøæœßđðþıħŧŋĸ]/g, (letter) => LATIN_LETTERS[letter] ?? letter)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    // Slugs are ASCII in URLs; words in other scripts are left to the editor to transliterate.
    .map((word) => word.replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug || 'story';
}
