/**
 * The rich-text editor's document and the story's inline model, mapped both ways at the editor's
 * edge. The story never holds the editor library's own format: a section body is an array of
 * paragraphs of text runs (with bold, italic and link marks) and citation nodes that name sources
 * by id, and the editor's document is made from it and read back into it.
 *
 * Reading back gives canonical content: no empty runs and no two neighbouring runs with the same
 * marks (ProseMirror joins those itself), marks in a fixed order. A body of one empty paragraph
 * reads back as no paragraphs, so that a new section stays `body: []`.
 */
import type { JSONContent } from '@tiptap/core';
import type { Mark as EditorMark, Node as EditorNode } from '@tiptap/pm/model';
import type { Inline, Mark, Paragraph } from '../../shared/model';

/** The node and mark names the editor's schema uses (extensions.ts). */
export const CITATION_NODE = 'citation';

const MARK_ORDER: Record<Mark['type'], number> = { bold: 0, italic: 1, link: 2 };

function editorMarks(marks: readonly Mark[] | undefined): JSONContent['marks'] {
  if (!marks || marks.length === 0) return undefined;
  return marks.map((mark) => (mark.type === 'link' ? { type: 'link', attrs: { href: mark.href } } : { type: mark.type }));
}

function inlineToEditor(inline: Inline): JSONContent {
  if (inline.type === 'citation') return { type: CITATION_NODE, attrs: { sources: [...inline.sources] } };
  const marks = editorMarks(inline.marks);
  return marks ? { type: 'text', text: inline.text, marks } : { type: 'text', text: inline.text };
}

/** The editor document for a section body (at least one paragraph: the editor needs somewhere to type). */
export function paragraphsToDoc(paragraphs: readonly Paragraph[]): JSONContent {
  const content = paragraphs.length === 0 ? [{ type: 'paragraph' }] : paragraphs.map(paragraphToEditor);
  return { type: 'doc', content };
}

function paragraphToEditor(paragraph: Paragraph): JSONContent {
  return paragraph.content.length === 0 ? { type: 'paragraph' } : { type: 'paragraph', content: paragraph.content.map(inlineToEditor) };
}

function modelMark(mark: EditorMark): Mark | undefined {
  switch (mark.type.name) {
    case 'bold':
      return { type: 'bold' };
    case 'italic':
      return { type: 'italic' };
    case 'link': {
      const href: unknown = mark.attrs.href;
      return typeof href === 'string' ? { type: 'link', href } : undefined;
    }
    default:
      return undefined;
  }
}

function modelMarks(marks: readonly EditorMark[]): Mark[] {
  return marks
    .flatMap((mark) => modelMark(mark) ?? [])
    .sort((a, b) => MARK_ORDER[a.type] - MARK_ORDER[b.type]);
}

function sameMarks(a: readonly Mark[] | undefined, b: readonly Mark[]): boolean {
  const left = a ?? [];
  return left.length === b.length && left.every((mark, index) => JSON.stringify(mark) === JSON.stringify(b[index]));
}

/** The inline content of one editor paragraph (or any inline container). */
export function inlinesOf(block: EditorNode): Inline[] {
  const inlines: Inline[] = [];
  block.forEach((child) => {
    if (child.type.name === CITATION_NODE) {
      const sources: unknown = child.attrs.sources;
      if (Array.isArray(sources) && sources.length > 0) inlines.push({ type: 'citation', sources: sources.map(String) });
      return;
    }
    if (!child.isText || !child.text) return;
    const marks = modelMarks(child.marks);
    const previous = inlines.at(-1);
    if (previous?.type === 'text' && sameMarks(previous.marks, marks)) {
      inlines[inlines.length - 1] = { ...previous, text: previous.text + child.text };
      return;
    }
    inlines.push(marks.length === 0 ? { type: 'text', text: child.text } : { type: 'text', text: child.text, marks });
  });
  return inlines;
}

/** The section body an editor document holds. */
export function docToParagraphs(doc: EditorNode): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  doc.forEach((block) => paragraphs.push({ type: 'paragraph', content: inlinesOf(block) }));
  if (paragraphs.length === 1 && paragraphs[0]?.content.length === 0) return [];
  return paragraphs;
}

/** Whether two bodies hold the same content (the editor compares what it holds with what the story says). */
export function sameParagraphs(a: readonly Paragraph[], b: readonly Paragraph[]): boolean {
  if (a === b) return true;
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Document positions of the editor's text, for selecting a sentence or a citation: the position
 * where character `offset` of paragraph `paragraph`'s text lies (citations take no room, as in
 * the review's ranges), or of its inline node `inline`.
 */
export function positionOfOffset(doc: EditorNode, paragraph: number, offset: number): number {
  let position = 0;
  let found = -1;
  doc.forEach((block, blockOffset, index) => {
    if (index !== paragraph || found !== -1) return;
    const start = blockOffset + 1;
    let seen = 0;
    position = start + block.content.size;
    block.forEach((child, childOffset) => {
      if (found !== -1) return;
      const length = child.isText ? (child.text ?? '').length : 0;
      if (child.isText && offset <= seen + length) found = start + childOffset + (offset - seen);
      seen += length;
    });
    if (found === -1) found = position;
  });
  return found === -1 ? Math.max(0, doc.content.size - 1) : found;
}

/** The document range of a paragraph's inline node `inline` (a citation), or undefined when there is none. */
export function rangeOfInline(doc: EditorNode, paragraph: number, inline: number): { from: number; to: number } | undefined {
  let range: { from: number; to: number } | undefined;
  doc.forEach((block, blockOffset, index) => {
    if (index !== paragraph) return;
    // Text runs of the model may be several editor text nodes (marks differ): count model inlines.
    const inlines = inlinesOf(block);
    if (inlines[inline]?.type !== 'citation') return;
    const citationsBefore = inlines.slice(0, inline).filter((node) => node.type === 'citation').length;
    let seen = 0;
    block.forEach((child, childOffset) => {
      if (range || child.type.name !== CITATION_NODE) return;
      if (seen === citationsBefore) range = { from: blockOffset + 1 + childOffset, to: blockOffset + 1 + childOffset + child.nodeSize };
      seen++;
    });
  });
  return range;
}
