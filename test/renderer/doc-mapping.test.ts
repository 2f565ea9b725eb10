// The rich-text editor's document and the story's inline model, both ways (renderer/editor/
// doc-mapping.ts), over the editor's real schema: every body of the sample story survives the
// trip unchanged, marks come back in one order, and positions point at the right characters.
import { getSchema } from '@tiptap/core';
import { Node as EditorNode } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import type { Paragraph } from '../../shared/model';
import { docToParagraphs, paragraphsToDoc, positionOfOffset, rangeOfInline } from '../../renderer/editor/doc-mapping';
import { editorExtensions } from '../../renderer/editor/extensions';
import { sampleStory } from '../helpers/library';

const hooks = { picker: { onChange: () => undefined, onKeyDown: () => false }, requestLink: () => undefined };
const schema = getSchema(editorExtensions(hooks, { singleParagraph: false }));
const singleSchema = getSchema(editorExtensions(hooks, { singleParagraph: true }));

const roundTrip = (body: Paragraph[], to = schema) => docToParagraphs(EditorNode.fromJSON(to, paragraphsToDoc(body)));

describe('the editor document and the inline model', () => {
  it('gives back every section body and timeline entry of the sample exactly', () => {
    const story = sampleStory();
    for (const section of story.sections) expect(roundTrip(section.body)).toEqual(section.body);
    for (const entry of story.timeline) expect(roundTrip([{ type: 'paragraph', content: entry.body }], singleSchema)).toEqual([{ type: 'paragraph', content: entry.body }]);
  });

  it('keeps marks, links and several sources per citation, with marks in one order', () => {
    const body: Paragraph[] = [
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Plain ' },
          { type: 'text', text: 'both', marks: [{ type: 'italic' }, { type: 'bold' }] },
          { type: 'text', text: ' linked', marks: [{ type: 'link', href: 'https://example.com/a?b=1' }] },
          { type: 'citation', sources: ['s2', 's5'] },
          { type: 'text', text: '.' },
        ],
      },
      { type: 'paragraph', content: [] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Second.' }, { type: 'citation', sources: ['s1'] }] },
    ];
    const back = roundTrip(body);
    expect(back[0]?.content[1]).toEqual({ type: 'text', text: 'both', marks: [{ type: 'bold' }, { type: 'italic' }] });
    expect(back[0]?.content.slice(2)).toEqual(body[0]?.content.slice(2));
    expect(back.slice(1)).toEqual(body.slice(1));
  });

  it('reads an empty editor as no paragraphs, so a new section stays empty', () => {
    expect(paragraphsToDoc([])).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(roundTrip([])).toEqual([]);
  });

  it('finds the document position of a character and the range of a citation', () => {
    const body: Paragraph[] = [
      { type: 'paragraph', content: [{ type: 'text', text: 'One.' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Two' }, { type: 'citation', sources: ['a'] }, { type: 'text', text: ' three.' }] },
    ];
    const doc = EditorNode.fromJSON(schema, paragraphsToDoc(body));
    const at = positionOfOffset(doc, 1, 4);
    expect(doc.textBetween(at, at + 5)).toBe('three');
    const range = rangeOfInline(doc, 1, 1);
    expect(range && doc.nodeAt(range.from)?.type.name).toBe('citation');
    expect(rangeOfInline(doc, 1, 0)).toBeUndefined();
  });
});
