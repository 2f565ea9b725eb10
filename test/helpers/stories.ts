/**
 * Stories built for the coverage review: the sample made publishable, and small stories that
 * each break one rule.
 */
import { StorySchema, type Inline, type Paragraph, type Source, type Story } from '../../shared/model';
import { sampleStory } from './library';

/** The outlets the publishable sample's sources appeared in (invented for tests only). */
const OUTLETS = ['Yonhap', 'Korea Herald', 'Korea Times', 'Yonhap', 'Korea JoongAng Daily', 'NK News'];

/**
 * The sample story with every source given a URL, a title and an outlet: the review then finds
 * no blocker (the sections still rest on one source, which is a warning).
 */
export function publishableSample(): Story {
  const story = sampleStory();
  story.sources = story.sources.map((source, index) => ({
    ...source,
    URL: `https://news.example/${source.id}`,
    title: `Article ${index + 1}`,
    'container-title': OUTLETS[index] ?? 'Example News',
  }));
  return story;
}

export const text = (value: string, marks?: Extract<Inline, { type: 'text' }>['marks']): Inline => ({ type: 'text', text: value, ...(marks ? { marks } : {}) });
export const cite = (...sources: string[]): Inline => ({ type: 'citation', sources });
export const paragraph = (...content: Inline[]): Paragraph => ({ type: 'paragraph', content });

/** A source with nothing but its id and role, and the fields given. */
export const bareSource = (id: string, fields: Partial<Source> = {}): Source => ({ id, role: 'cited', ...fields });

/** A small valid story; tests override only what they are about. */
export function makeStory(fields: Partial<Story>): Story {
  return StorySchema.parse({
    id: 'small',
    slug: 'small',
    title: 'A Small Story',
    feed: 'Desk',
    status: 'draft',
    sections: [],
    sources: [],
    timeline: [],
    citationOrder: 'manual',
    citationStyle: 'separate',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    revision: 0,
    ...fields,
  });
}

/** A source with every field the review asks for. */
export function source(id: string, fields: Partial<Source> = {}): Source {
  return { id, URL: `https://news.example/${id}`, title: `Title of ${id}`, 'container-title': `Outlet of ${id}`, issued: '2026-01-01', role: 'cited', ...fields };
}

/** A small story with no blocker: two sources, one section of two cited sentences, one cited timeline entry. */
export function smallStory(): Story {
  const story = sampleStory();
  return {
    ...story,
    id: 'small',
    sources: [source('a', { issued: '2026-01-02' }), source('b', { issued: '2026-01-01', 'container-title': 'Other outlet' })],
    sections: [{ id: 's1', heading: 'What happened', body: [paragraph(text('First thing happened'), cite('a'), text('. Second thing followed'), cite('b'), text('.'))] }],
    timeline: [{ id: 't1', date: { label: 'Jan 1, 2026', edtf: '2026-01-01' }, body: [text('It began'), cite('b'), text('.')] }],
    citationOrder: 'newest-first',
  };
}
