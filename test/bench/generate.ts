/**
 * Deterministic test data for the benchmarks: seed-sized stories and one huge story, built by a
 * seeded PRNG from word pools and the seed story's own sentences, and whole libraries of them.
 */
import { loadSampleStory } from '../../electron/sample';
import { seedSampleStory } from '../../electron/library';
import { LibraryStore } from '../../electron/store/store';
import { CITATION_ORDERS, type Inline, type Paragraph, type Section, type Source, type Story, type TimelineEntry } from '../../shared/model';
import { slugFromTitle } from '../../shared/story-text';

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (mulberry32): small, fast and the same on every machine.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, limit). */
  below(limit: number): number {
    return Math.floor(this.next() * limit);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return itemAt(items, this.below(items.length));
  }

  /** Favours the start of the list (about Zipf-like), so some words are common and some rare. */
  pickSkewed<T>(items: readonly T[]): T {
    return itemAt(items, Math.floor(items.length * this.next() ** 2.5));
  }
}

function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index} of ${items.length}`);
  return item;
}

/** A seed for one derived stream (a story's index, say), mixed so neighbours differ widely. */
export function deriveSeed(seed: number, stream: number): number {
  let hash = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  hash = Math.imul(hash ^ (hash >>> 15), 0x846ca68b);
  return (hash ^ (hash >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Word pools. Earlier entries come up more often (pickSkewed). Names and phrases carry the
// seed's typography: U+2011 (non-breaking hyphen), U+2019 (apostrophe), U+202F (narrow space).

const NBSP_NARROW = '\u202f';
const HYPHEN = '\u2011';

const COUNTRIES = [
  'South Korea', 'Poland', 'Japan', 'Germany', 'the Netherlands', 'Norway', 'Canada', 'India', 'Australia', 'Sweden',
  'Finland', 'Estonia', 'Brazil', 'Kenya', 'Indonesia', 'Mexico', 'Chile', 'Vietnam', 'Türkiye', 'Egypt',
  'Portugal', 'Ireland', 'New Zealand', 'Ghana', 'Mongolia', 'Uruguay', 'Iceland', 'Côte d’Ivoire', 'Bhutan', 'Malta',
];
const CITIES = [
  'Seoul', 'Warsaw', 'Brussels', 'Tokyo', 'Berlin', 'Oslo', 'Ottawa', 'New Delhi', 'Canberra', 'Stockholm',
  'Helsinki', 'Tallinn', 'Brasília', 'Nairobi', 'Jakarta', 'Mexico City', 'Santiago', 'Hanoi', 'Ankara', 'Cairo',
  'Lisbon', 'Dublin', 'Wellington', 'Accra', 'Ulaanbaatar', 'Montevideo', 'Reykjavík', 'Abidjan', 'Thimphu', 'Valletta',
  'Busan', 'Kraków', 'Gdańsk', 'Osaka', 'Hamburg', 'Bergen', 'Tromsø', 'Daejeon',
];
const TOPICS = [
  'security', 'defence industry', 'trade', 'energy transition', 'semiconductor supply chains', 'cyber policy',
  'shipbuilding', 'critical minerals', 'maritime security', `nuclear non${HYPHEN}proliferation`, 'space research',
  'public health', 'fisheries', 'rail infrastructure', 'climate finance', 'hydrogen', 'artificial intelligence',
  'arms control', 'refugee policy', 'food security', 'water management', 'education exchanges',
  'pandemic preparedness', 'satellite navigation', 'port logistics', 'battery recycling', 'export controls',
  'humanitarian aid', 'disaster relief', 'Arctic research', 'quantum computing', 'offshore wind',
];
const MEETINGS = [
  'security dialogue', 'strategic dialogue', 'talks', 'consultations', 'summit', 'working group', 'joint committee',
  'forum', 'framework agreement', 'memorandum of understanding', 'roundtable', 'ministerial meeting',
];
const TITLE_VERBS = ['Launch', 'Resume', 'Expand', 'Hold', 'Sign', 'Open', 'Conclude', 'Deepen', 'Review', 'Agree on'];
const TITLE_ADJECTIVES = ['First', 'Second', 'Annual', 'Bilateral', 'Regional', 'Trilateral', 'Emergency', `High${HYPHEN}Level`, 'Inaugural'];
const GIVEN_NAMES = [
  `Yeon${HYPHEN}doo`, 'Robert', 'Anna', 'Espen', 'Min' + HYPHEN + 'jun', 'Katarzyna', 'Hiroshi', 'Sabine', 'Ingrid', 'Priya',
  'Liam', 'Aino', 'Kadri', 'Lucas', 'Wanjiru', 'Siti', 'Diego', 'Camila', 'Thảo', 'Emre', 'Nour', 'João', 'Aoife',
  'Aroha', 'Kwame', 'Bat' + HYPHEN + 'Erdene', 'Valentina', 'Sigríður', 'Seo' + HYPHEN + 'yeon', 'Tomasz', 'Jae' + HYPHEN + 'won',
];
const FAMILY_NAMES = [
  'Jeong', 'Kupiecki', 'Barth Eide', 'Kim', 'Nowak', 'Tanaka', 'Müller', 'Lindqvist', 'Sharma', 'Murphy', 'Virtanen',
  'Tamm', 'Silva', 'Mwangi', 'Rahayu', 'Hernández', 'Rojas', 'Nguyễn', 'Yılmaz', 'Haddad', 'Santos', 'O’Neill',
  'Ngata', 'Mensah', 'Batbayar', 'Pereira', 'Ólafsdóttir', 'Żółkiewska', 'Ødegaard', 'Kowalczyk', 'Park', 'Lee',
];
const ROLES = [
  'vice minister for diplomatic strategy and intelligence', 'undersecretary of state for security policy',
  'deputy foreign minister', 'national security adviser', 'trade commissioner', 'defence attaché',
  'director general for European affairs', 'ambassador', 'minister of industry', 'chief negotiator',
];
const OUTLETS: readonly { name: string; domain: string; language: string }[] = [
  { name: 'Yonhap', domain: 'en.yna.co.kr', language: 'en' },
  { name: 'Reuters', domain: 'www.reuters.com', language: 'en' },
  { name: 'The Korea Herald', domain: 'www.koreaherald.com', language: 'en' },
  { name: 'Notes from Poland', domain: 'notesfrompoland.com', language: 'en' },
  { name: 'NHK World', domain: 'www3.nhk.or.jp', language: 'en' },
  { name: 'Deutsche Welle', domain: 'www.dw.com', language: 'de' },
  { name: 'NRK', domain: 'www.nrk.no', language: 'no' },
  { name: 'Rzeczpospolita', domain: 'www.rp.pl', language: 'pl' },
  { name: 'The Hankyoreh', domain: 'www.hani.co.kr', language: 'ko' },
  { name: 'Folha de S.Paulo', domain: 'www.folha.uol.com.br', language: 'pt' },
  { name: 'Daily Nation', domain: 'nation.africa', language: 'en' },
  { name: 'Yle', domain: 'yle.fi', language: 'fi' },
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Code names make rare phrases: each pair names a handful of stories among 10,000. */
const CODE_ADJECTIVES = [
  'Amber', 'Basalt', 'Cedar', 'Cobalt', 'Coral', 'Crimson', 'Dawn', 'Ember', 'Falcon', 'Frost', 'Granite', 'Harbor',
  'Indigo', 'Iron', 'Jade', 'Juniper', 'Lantern', 'Linden', 'Marble', 'Meadow', 'Nimbus', 'Obsidian', 'Onyx', 'Polar',
  'Quartz', 'Raven', 'Saffron', 'Sable', 'Silver', 'Slate', 'Solstice', 'Summit', 'Tidal', 'Umber', 'Velvet', 'Willow',
];
const CODE_NOUNS = [
  'Heron', 'Anchor', 'Beacon', 'Bridge', 'Compass', 'Delta', 'Fjord', 'Garnet', 'Glacier', 'Horizon', 'Kestrel', 'Lighthouse',
  'Meridian', 'Monsoon', 'Orchard', 'Osprey', 'Pavilion', 'Pinnacle', 'Quarry', 'Rampart', 'Sentinel', 'Sextant', 'Spire',
  'Steppe', 'Tundra', 'Vanguard', 'Vertex', 'Wharf', 'Zenith', 'Lagoon', 'Cairn', 'Archipelago', 'Bastion', 'Estuary',
];
const FEEDS = ['Top Headlines', 'World', 'Politics', 'Business', 'Technology', 'Science', 'Climate', 'Health', 'Asia', 'Europe'];

// ---------------------------------------------------------------------------------------------
// What one story is about: the cast its sentences draw on, so a story reads as one story.

interface Person {
  given: string;
  family: string;
  role: string;
}

interface Scene {
  countries: [string, string];
  cities: [string, string];
  topic: string;
  meeting: string;
  people: [Person, Person];
  outlet: string;
  /** A programme's code name, such as "Amber Heron": rare as a phrase, common as single words. */
  codeName: string;
  /** The story's date, as milliseconds since the epoch. */
  date: number;
}

const DAY_MS = 86_400_000;
const FIRST_STORY_DATE = Date.UTC(2024, 0, 1);
const LAST_STORY_DATE = Date.UTC(2026, 10, 1);

function personName(person: Person): string {
  return `${person.given}${NBSP_NARROW}${person.family}`;
}

function randomPerson(random: SeededRandom): Person {
  return { given: random.pickSkewed(GIVEN_NAMES), family: random.pickSkewed(FAMILY_NAMES), role: random.pick(ROLES) };
}

function randomScene(random: SeededRandom): Scene {
  const first = random.pickSkewed(COUNTRIES);
  let second = random.pickSkewed(COUNTRIES);
  if (second === first) second = random.pick(COUNTRIES);
  return {
    countries: [first, second],
    cities: [random.pickSkewed(CITIES), random.pick(CITIES)],
    topic: random.pickSkewed(TOPICS),
    meeting: random.pickSkewed(MEETINGS),
    people: [randomPerson(random), randomPerson(random)],
    outlet: random.pickSkewed(OUTLETS).name,
    codeName: `${random.pick(CODE_ADJECTIVES)} ${random.pick(CODE_NOUNS)}`,
    date: FIRST_STORY_DATE + random.below((LAST_STORY_DATE - FIRST_STORY_DATE) / DAY_MS) * DAY_MS + random.below(DAY_MS),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function titleCase(text: string): string {
  return text
    .split(' ')
    .map((word) => (['of', 'and', 'on', 'in', 'for'].includes(word) ? word : capitalize(word)))
    .join(' ');
}

function longDate(time: number): string {
  const date = new Date(time);
  return `${date.getUTCDate()} ${itemAt(MONTHS, date.getUTCMonth())} ${date.getUTCFullYear()}`;
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Sentences in the seed's register, without the final full stop. */
const SENTENCE_TEMPLATES: readonly ((scene: Scene, random: SeededRandom) => string)[] = [
  (s) =>
    `${personName(s.people[0])}, ${s.people[0].role} of ${s.countries[0]}, met ${personName(s.people[1])} in ${s.cities[0]} on ${longDate(s.date)} to discuss ${s.topic}`,
  (s, r) => `Officials from ${s.countries[0]} and ${s.countries[1]} agreed to expand ${s.topic} cooperation and to hold the ${s.meeting} every ${r.between(3, 12)} months`,
  (s, r) => `The ${s.meeting} in ${s.cities[0]} drew delegations from ${r.between(3, 40)} countries, according to ${s.outlet}`,
  (s) => `Analysts in ${s.cities[1]} said the talks reflect ${s.countries[0]}’s growing interest in ${s.topic}`,
  (s, r) => `A high${HYPHEN}level follow${HYPHEN}up meeting on ${s.topic} is planned in ${s.cities[1]} for ${r.pick(MONTHS)} ${new Date(s.date).getUTCFullYear() + 1}`,
  (s, r) => `${capitalize(s.countries[0])} pledged ${r.between(5, 900)} million euros for ${s.topic} projects over the next ${r.between(2, 10)} years`,
  (s) => `Both sides exchanged assessments of ${s.topic} risks and agreed to share information more regularly`,
  (s) => `${s.people[1].family} told reporters that the ${s.meeting} would not replace existing commitments on ${s.topic}`,
  (s) => `Opposition lawmakers in ${s.countries[1]} questioned the cost of the ${s.topic} programme and asked for a parliamentary review`,
  (s, r) => `Exports linked to ${s.topic} rose ${r.between(2, 60)}${NBSP_NARROW}percent last year, ${s.outlet} reported`,
  (s, r) => `Business groups in ${s.cities[0]} welcomed the ${s.meeting}, citing orders worth ${r.between(1, 40)} billion won`,
  (s) => `The previous round, held in ${s.cities[1]} in ${new Date(s.date).getUTCFullYear() - 1}, ended without a joint statement`,
  (s) => `The programme, code${HYPHEN}named “${s.codeName}”, will be reviewed by both governments`,
  (s) => `${personName(s.people[0])} called the outcome “a long${HYPHEN}term investment in trust” between ${s.countries[0]} and ${s.countries[1]}`,
];

const HEADING_TEMPLATES: readonly ((scene: Scene, random: SeededRandom) => string)[] = [
  (s, r) => `${r.pick(TITLE_ADJECTIVES)} Talks Held in ${s.cities[0]}`,
  () => 'Senior Officials Lead Negotiations',
  (s) => `Emphasis on ${titleCase(s.topic)}`,
  (s) => `${titleCase(s.topic)} Cooperation Underpins Partnership`,
  () => 'Official Statement Documents Commitment',
  (s) => `Reactions in ${s.cities[1]}`,
  () => 'What Comes Next',
  (s) => `Background: the ${new Date(s.date).getUTCFullYear() - 1} Round`,
  () => 'Industry Stakes',
  () => `Long${HYPHEN}Term Outlook`,
];

// ---------------------------------------------------------------------------------------------
// Stories

export interface StorySize {
  sections: number;
  sentencesPerSection: number;
  sources: number;
  timeline: number;
}

/** About the seed story: 5 sections of 3 sentences, 6 sources, 9 timeline entries. */
export const SEED_STORY_SIZE: StorySize = { sections: 5, sentencesPerSection: 3, sources: 6, timeline: 9 };
export const HUGE_STORY_SIZE: StorySize = { sections: 300, sentencesPerSection: 3, sources: 400, timeline: 1000 };

export const DEFAULT_SEED = 20261128;

export interface StoryGenerator {
  /** A story numbered `index`: the same for the same seed and index, whatever was asked before. */
  story(index: number, size?: StorySize): Story;
  /** One story of HUGE_STORY_SIZE (300 sections, 400 sources, 1,000 timeline entries). */
  hugeStory(): Story;
  /** A copy of `story` with one sentence of one section rewritten (what one edit changes). */
  editSentence(story: Story): Story;
}

export function loadSeedStory(): Story {
  return loadSampleStory().story;
}

/** The seed's own sentences (section text and timeline entries), without leading ". " or the final stop. */
export function seedSentences(seedStory: Story): string[] {
  const runs: Inline[] = [
    ...seedStory.sections.flatMap((section) => section.body.flatMap((paragraph) => paragraph.content)),
    ...seedStory.timeline.flatMap((entry) => entry.body),
  ];
  return runs
    .flatMap((inline) => (inline.type === 'text' ? [inline.text.replace(/^\.\s*/, '').replace(/\.$/, '')] : []))
    .filter((sentence) => sentence.length >= 30);
}

export function createStoryGenerator(options: { seed?: number; seedStory?: Story } = {}): StoryGenerator {
  const seed = options.seed ?? DEFAULT_SEED;
  const borrowed = seedSentences(options.seedStory ?? loadSeedStory());
  const editRandom = new SeededRandom(deriveSeed(seed, -1));

  function sentence(random: SeededRandom, scene: Scene): string {
    // About one sentence in ten comes from the seed, so its words and typography recur.
    if (random.chance(0.1)) return random.pick(borrowed);
    return random.pick(SENTENCE_TEMPLATES)(scene, random);
  }

  /** Sentences, each followed by a citation, in the seed's shape: "s1", [n], ". s2", [n], … "." */
  function citedText(random: SeededRandom, scene: Scene, count: number, sourceIds: readonly string[]): Inline[] {
    const content: Inline[] = [];
    for (let index = 0; index < count; index++) {
      const text = sentence(random, scene);
      content.push({ type: 'text', text: index === 0 ? text : `. ${text}` });
      const cited = [random.pick(sourceIds)];
      if (random.chance(0.15)) {
        const second = random.pick(sourceIds);
        if (second !== cited[0]) cited.push(second);
      }
      content.push({ type: 'citation', sources: cited });
    }
    content.push({ type: 'text', text: '.' });
    return content;
  }

  function sources(random: SeededRandom, scene: Scene, count: number): Source[] {
    const list: Source[] = [];
    for (let index = 0; index < count; index++) {
      const issued = scene.date - random.below(90) * DAY_MS;
      const outlet = random.pickSkewed(OUTLETS);
      const source: Source = {
        id: `src-${index + 1}-${isoDay(issued)}`,
        issued: isoDay(issued),
        note: `Reports the ${scene.meeting} on ${scene.topic} in ${random.pick(scene.cities)} (timeline: ${SHORT_MONTHS[new Date(issued).getUTCMonth()]} ${new Date(issued).getUTCDate()}, ${new Date(issued).getUTCFullYear()})`,
        role: random.chance(0.9) ? 'cited' : 'related',
      };
      if (random.chance(0.6)) {
        source.URL = `https://${outlet.domain}/news/${isoDay(issued).replaceAll('-', '/')}/${slugFromTitle(scene.topic)}-${random.below(1_000_000)}`;
        source.title = `${scene.countries[0]} and ${scene.countries[1]} ${random.pick(TITLE_VERBS).toLowerCase()} ${scene.topic} ${scene.meeting}`;
        source['container-title'] = outlet.name;
        source.language = outlet.language;
        source.accessed = isoDay(scene.date);
        if (random.chance(0.5)) source.author = [{ family: random.pickSkewed(FAMILY_NAMES), given: random.pick(GIVEN_NAMES) }];
      }
      list.push(source);
    }
    return list;
  }

  /** A label as an editor types it, with its EDTF form; mostly exact days, some vaguer. */
  function timelineDate(random: SeededRandom, time: number): TimelineEntry['date'] {
    const date = new Date(time);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const roll = random.next();
    if (roll < 0.7) {
      return { label: `${SHORT_MONTHS[month]}${NBSP_NARROW}${date.getUTCDate()},${NBSP_NARROW}${year}`, edtf: isoDay(time) };
    }
    if (roll < 0.82) return { label: `${MONTHS[month]}${NBSP_NARROW}${year}`, edtf: isoDay(time).slice(0, 7) };
    if (roll < 0.9) return { label: String(year), edtf: String(year) };
    if (roll < 0.97) return month < 6 ? { label: `Early${NBSP_NARROW}${year}`, edtf: `${year}-40` } : { label: `Late${NBSP_NARROW}${year}`, edtf: `${year}-41` };
    return { label: `${year - 3}${HYPHEN}${String(year).slice(2)}`, edtf: `${year - 3}/${year}` };
  }

  function timeline(random: SeededRandom, scene: Scene, count: number, sourceIds: readonly string[]): TimelineEntry[] {
    // Dates run from years before the story up to its day, in order, as the seed's do.
    const times = Array.from({ length: count }, () => scene.date - random.below(365 * 8) * DAY_MS).sort((a, b) => a - b);
    return times.map((time, index) => ({
      id: `timeline-${index + 1}`,
      date: timelineDate(random, time),
      // Most entries are about the story's own cast; some recall other events.
      body: citedText(random, random.chance(0.3) ? randomScene(random) : scene, 1, sourceIds),
    }));
  }

  function story(index: number, size: StorySize = SEED_STORY_SIZE): Story {
    const random = new SeededRandom(deriveSeed(seed, index));
    const scene = randomScene(random);
    const [first, second] = scene.countries;
    const titleRoll = random.next();
    const title =
      titleRoll < 0.5
        ? `${capitalize(first)} and ${second} ${random.pick(TITLE_VERBS)} ${random.pick(TITLE_ADJECTIVES)} ${titleCase(scene.meeting)} on ${titleCase(scene.topic)}`
        : titleRoll < 0.8
          ? `${personName(scene.people[0])} Visits ${scene.cities[0]} for ${titleCase(scene.meeting)} on ${titleCase(scene.topic)}`
          : `${capitalize(first)} Unveils “${scene.codeName}” ${titleCase(scene.topic)} Programme`;
    const sourceList = sources(random, scene, size.sources);
    const sourceIds = sourceList.map((source) => source.id);
    const sections: Section[] = [];
    for (let number = 1; number <= size.sections; number++) {
      const paragraph: Paragraph = { type: 'paragraph', content: citedText(random, scene, size.sentencesPerSection, sourceIds) };
      sections.push({ id: `section-${number}`, heading: random.pick(HEADING_TEMPLATES)(scene, random), body: [paragraph] });
    }
    const createdAt = new Date(scene.date).toISOString();
    const updatedAt = new Date(scene.date + random.below(30 * DAY_MS)).toISOString();
    const statusRoll = random.next();
    const status = statusRoll < 0.6 ? 'draft' : statusRoll < 0.85 ? 'review' : 'published';
    const generated: Story = {
      id: `bench-${String(index).padStart(5, '0')}`,
      slug: slugFromTitle(title),
      title,
      feed: random.pickSkewed(FEEDS),
      status,
      sections,
      sources: sourceList,
      timeline: timeline(random, scene, size.timeline, sourceIds),
      citationOrder: random.pick(CITATION_ORDERS),
      citationStyle: random.chance(0.8) ? 'separate' : 'combined',
      createdAt,
      updatedAt,
      revision: 1,
    };
    if (random.chance(0.5)) generated.dek = `${sentence(random, scene)}.`;
    if (status === 'published') generated.publishedAt = updatedAt;
    return generated;
  }

  function editSentence(original: Story): Story {
    const random = editRandom;
    const sectionIndex = random.below(original.sections.length);
    const section = itemAt(original.sections, sectionIndex);
    const paragraph = itemAt(section.body, 0);
    const textIndexes = paragraph.content.flatMap((inline, index) => (inline.type === 'text' && inline.text.length > 2 ? [index] : []));
    const target = random.pick(textIndexes);
    const old = itemAt(paragraph.content, target);
    const replacement = random.pick(SENTENCE_TEMPLATES)(randomScene(random), random);
    const text = old.type === 'text' && old.text.startsWith('. ') ? `. ${replacement}` : replacement;
    const content = paragraph.content.map((inline, index): Inline => (index === target ? { type: 'text', text } : inline));
    const sections = original.sections.map((item, index) => (index === sectionIndex ? { ...item, body: [{ ...paragraph, content }, ...item.body.slice(1)] } : item));
    return { ...original, sections };
  }

  return {
    story,
    hugeStory: () => ({ ...story(0x7fff_ffff, HUGE_STORY_SIZE), id: 'bench-huge' }),
    editSentence,
  };
}

// ---------------------------------------------------------------------------------------------
// A whole library

export interface BenchLibrary {
  store: LibraryStore;
  /** Every story's id, the sample's first. */
  storyIds: string[];
  /** Wall time to generate and insert every story, in milliseconds. */
  buildMs: number;
}

/**
 * Creates a library at `file` (which must not exist) holding the sample story and
 * `storyCount - 1` generated ones, inserted through the store's own write path
 * (LibraryStore.insertStory, which fills the search index) inside the new library's first
 * transaction, the fastest way the store offers.
 */
export function createBenchLibrary(file: string, options: { storyCount?: number; seed?: number } = {}): BenchLibrary {
  const storyCount = options.storyCount ?? 10_000;
  const seedStory = loadSeedStory();
  const generator = createStoryGenerator({ seed: options.seed ?? DEFAULT_SEED, seedStory });
  const storyIds: string[] = [];
  const started = process.hrtime.bigint();
  const store = LibraryStore.open(file, {
    seed: (created) => {
      seedSampleStory(created);
      storyIds.push(seedStory.id);
      for (let index = 1; index < storyCount; index++) {
        const story = generator.story(index);
        created.insertStory(story, { author: 'Benchmark', summary: 'Generated' });
        storyIds.push(story.id);
      }
    },
  });
  return { store, storyIds, buildMs: Number(process.hrtime.bigint() - started) / 1e6 };
}
