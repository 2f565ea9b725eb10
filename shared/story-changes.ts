/**
 * What changed between two versions of a story, in short lines an editor can read: the conflict
 * banner shows the other version's changes this way ("Title: «A» → «B»", "Section 2 «Talks»:
 * text changed", "Source added: «Seoul and Warsaw…»"). Parts are matched by id, so a moved
 * section is reported as moved, not as one deleted and one added.
 */
import type { HeroImage, Section, Source, Story, TimelineEntry } from './model';
import { inlineText, paragraphsText } from './story-text';

/** Long values are cut to this many characters, with an ellipsis. */
const QUOTE_LIMIT = 60;

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty)';
  return `«${flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat}»`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const HEADER_FIELDS = [
  ['title', 'Title'],
  ['slug', 'Slug'],
  ['feed', 'Feed'],
  ['dek', 'Dek'],
  ['status', 'Status'],
] as const;

const HERO_FIELDS = [
  ['alt', 'alt text'],
  ['caption', 'caption'],
  ['credit', 'credit'],
  ['usageTerms', 'usage terms'],
  ['sourceUrl', 'source link'],
  ['fullSizeUrl', 'full-size link'],
] as const;

function heroChanges(from: HeroImage | undefined, to: HeroImage | undefined): string[] {
  if (!from && !to) return [];
  if (!from) return ['Hero image added'];
  if (!to) return ['Hero image removed'];
  const lines: string[] = [];
  if (from.asset.sha256 !== to.asset.sha256) lines.push('Hero image replaced');
  for (const [field, label] of HERO_FIELDS) {
    if ((from[field] ?? '') !== (to[field] ?? '')) lines.push(`Hero ${label}: ${quote(from[field] ?? '')} → ${quote(to[field] ?? '')}`);
  }
  return lines;
}

interface Part {
  id: string;
}

/**
 * Changes in a list of parts matched by id: added, removed, changed (`describe` says how), and
 * moved when the parts both versions have appear in another order.
 */
function listChanges<Item extends Part>(
  from: readonly Item[],
  to: readonly Item[],
  name: (item: Item, index: number) => string,
  describe: (before: Item, after: Item) => string[],
): string[] {
  const before = new Map(from.map((item, index) => [item.id, { item, index }]));
  const after = new Map(to.map((item, index) => [item.id, { item, index }]));
  const lines: string[] = [];
  to.forEach((item, index) => {
    const old = before.get(item.id);
    if (!old) lines.push(`${name(item, index)} added`);
    else for (const change of describe(old.item, item)) lines.push(`${name(item, index)}: ${change}`);
  });
  from.forEach((item, index) => {
    if (!after.has(item.id)) lines.push(`${name(item, index)} removed`);
  });
  const keptBefore = from.filter((item) => after.has(item.id)).map((item) => item.id);
  const keptAfter = to.filter((item) => before.has(item.id)).map((item) => item.id);
  if (!same(keptBefore, keptAfter)) lines.push('Order changed');
  return lines;
}

function sectionChanges(before: Section, after: Section): string[] {
  const lines: string[] = [];
  if (before.heading !== after.heading) lines.push(`heading ${quote(before.heading)} → ${quote(after.heading)}`);
  if (!same(before.body, after.body)) lines.push(paragraphsText(before.body) === paragraphsText(after.body) ? 'citations changed' : 'text changed');
  return lines;
}

const SOURCE_FIELDS = [
  ['URL', 'URL'],
  ['title', 'title'],
  ['container-title', 'outlet'],
  ['role', 'role'],
] as const;

function sourceChanges(before: Source, after: Source): string[] {
  const lines: string[] = [];
  for (const [field, label] of SOURCE_FIELDS) {
    if ((before[field] ?? '') !== (after[field] ?? '')) lines.push(`${label} ${quote(before[field] ?? '')} → ${quote(after[field] ?? '')}`);
  }
  const rest = (source: Source) => ({ ...source, URL: undefined, title: undefined, 'container-title': undefined, role: undefined });
  if (!same(rest(before), rest(after))) lines.push('other details changed');
  return lines;
}

function timelineChanges(before: TimelineEntry, after: TimelineEntry): string[] {
  const lines: string[] = [];
  if (before.date.label !== after.date.label) lines.push(`date ${quote(before.date.label)} → ${quote(after.date.label)}`);
  if (!same(before.body, after.body)) lines.push(inlineText(before.body) === inlineText(after.body) ? 'citations changed' : 'text changed');
  return lines;
}

/** Every difference from `from` to `to`, in the page's order; empty when they say the same. */
export function describeStoryChanges(from: Story, to: Story): string[] {
  const lines: string[] = [];
  for (const [field, label] of HEADER_FIELDS) {
    if ((from[field] ?? '') !== (to[field] ?? '')) lines.push(`${label}: ${quote(from[field] ?? '')} → ${quote(to[field] ?? '')}`);
  }
  lines.push(...heroChanges(from.hero, to.hero));
  lines.push(
    ...listChanges(from.sections, to.sections, (section, index) => `Section ${index + 1} ${quote(section.heading)}`, sectionChanges).map((line) =>
      line === 'Order changed' ? 'Sections reordered' : line,
    ),
  );
  lines.push(
    ...listChanges(from.sources, to.sources, (source) => `Source ${quote(source.title ?? source.URL ?? source.id)}`, sourceChanges).map((line) =>
      line === 'Order changed' ? 'Sources reordered' : line,
    ),
  );
  lines.push(
    ...listChanges(from.timeline, to.timeline, (entry) => `Timeline entry ${quote(entry.date.label)}`, timelineChanges).map((line) =>
      line === 'Order changed' ? 'Timeline reordered' : line,
    ),
  );
  if (from.citationOrder !== to.citationOrder) lines.push(`Citation numbering: ${from.citationOrder} → ${to.citationOrder}`);
  if (from.citationStyle !== to.citationStyle) lines.push(`Citation style: ${from.citationStyle} → ${to.citationStyle}`);
  if (!same(from.coverageRules, to.coverageRules)) lines.push('Coverage rules changed');
  return lines;
}
