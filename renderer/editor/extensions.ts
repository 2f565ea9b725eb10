/**
 * The rich-text editor's schema and behaviour (TipTap over ProseMirror): paragraphs, bold,
 * italic, links limited to http(s), and citations shown as chips with their derived numbers.
 *
 * The source picker: typing `[` opens it and what follows filters it; arrows choose, Enter or Tab
 * turns `[query` into a citation, Escape leaves the `[` and the typed text as they are. The
 * "cite" shortcut opens the same picker at the cursor, or after the sentence the selection ends
 * in; Escape then takes back the `[` it put there. A space typed before the `[` is dropped with
 * it, because the page puts the space before a marker itself ("capital [1].").
 */
import { Extension, Node, mergeAttributes, type Editor } from '@tiptap/core';
import Bold from '@tiptap/extension-bold';
import Document from '@tiptap/extension-document';
import Italic from '@tiptap/extension-italic';
import Link from '@tiptap/extension-link';
import Paragraph from '@tiptap/extension-paragraph';
import Text from '@tiptap/extension-text';
import { Plugin, PluginKey, TextSelection, type EditorState } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { WebUrlSchema } from '../../shared/model';
import { splitSentences } from '../../shared/sentences';
import { describeCitation, markerOf, useCitationNumbering } from './citation-numbers';
import { CITATION_NODE, inlinesOf, positionOfOffset } from './doc-mapping';

// ---------------------------------------------------------------------------------------------
// Citation chips

function sourcesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A citation: an inline atom naming sources by id, drawn as a chip whose number follows the policy. */
const Citation = Node.create({
  name: CITATION_NODE,
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  draggable: false,

  addAttributes() {
    return {
      sources: {
        default: [],
        parseHTML: (element) => {
          try {
            return sourcesOf(JSON.parse(element.getAttribute('data-sources') ?? '[]'));
          } catch {
            return [];
          }
        },
        renderHTML: (attributes) => ({ 'data-sources': JSON.stringify(sourcesOf(attributes.sources)) }),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-citation]' }];
  },

  renderHTML({ node, HTMLAttributes }) {
    return ['span', mergeAttributes(HTMLAttributes, { 'data-citation': '', class: 'citation-chip' }), markerOf(sourcesOf(node.attrs.sources))];
  },

  addNodeView() {
    return ({ node }) => {
      let sources = sourcesOf(node.attrs.sources);
      const dom = document.createElement('span');
      dom.className = 'citation-chip';
      dom.contentEditable = 'false';
      dom.dataset.citation = '';
      const paint = () => {
        const marker = markerOf(sources);
        const description = describeCitation(sources);
        if (dom.textContent !== marker) dom.textContent = marker;
        if (dom.title !== description) {
          dom.title = description;
          dom.setAttribute('aria-label', `Citation ${marker}: ${description}`);
        }
        dom.classList.toggle('dangling', marker.includes('?'));
      };
      paint();
      const unsubscribe = useCitationNumbering.subscribe(paint);
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== CITATION_NODE) return false;
          sources = sourcesOf(updated.attrs.sources);
          paint();
          return true;
        },
        selectNode: () => dom.classList.add('selected'),
        deselectNode: () => dom.classList.remove('selected'),
        destroy: unsubscribe,
      };
    };
  },
});

// ---------------------------------------------------------------------------------------------
// The source picker

export interface PickerState {
  /** Where the `[` stands. */
  from: number;
  /** The end of what was typed after it (the cursor). */
  to: number;
  query: string;
  /** Opened by typing `[` (Escape keeps it) or by the cite shortcut (Escape takes it back). */
  mode: 'typed' | 'shortcut';
}

/** What the picker's popup (a React component) does with the editor's keys and changes. */
export interface PickerHost {
  onChange(state: PickerState | null, view: EditorView): void;
  /** A key pressed while the picker is open; true when the popup used it. */
  onKeyDown(event: KeyboardEvent): boolean;
}

type PickerMeta = { open: { from: number; mode: PickerState['mode'] } } | { close: true };

export const pickerKey = new PluginKey<PickerState | null>('source-picker');

/** The longest query the picker follows; beyond it, the `[` was not meant as a citation. */
const MAX_QUERY = 60;

function followPicker(state: PickerState, editorState: EditorState): PickerState | null {
  const { selection, doc } = editorState;
  if (!selection.empty || state.from >= doc.content.size) return null;
  const cursor = selection.from;
  if (cursor <= state.from) return null;
  const $from = doc.resolve(state.from);
  const $cursor = doc.resolve(cursor);
  if ($from.parent !== $cursor.parent) return null;
  if (doc.textBetween(state.from, state.from + 1) !== '[') return null;
  // A citation or other leaf inside the query reads as U+FFFC, which ends the picker like "]" does.
  const query = doc.textBetween(state.from + 1, cursor, '\n', '\ufffc');
  if (query.length > MAX_QUERY || /[\]\n\ufffc]/.test(query)) return null;
  return { ...state, to: cursor, query };
}

function pickerPlugin(host: PickerHost): Plugin<PickerState | null> {
  return new Plugin<PickerState | null>({
    key: pickerKey,
    state: {
      init: () => null,
      apply(tr, value, _old, newState) {
        const meta = tr.getMeta(pickerKey) as PickerMeta | undefined;
        if (meta && 'close' in meta) return null;
        if (meta && 'open' in meta) return followPicker({ from: meta.open.from, to: meta.open.from + 1, query: '', mode: meta.open.mode }, newState);
        if (!value) return null;
        return followPicker({ ...value, from: tr.mapping.map(value.from) }, newState);
      },
    },
    props: {
      handleTextInput(view, from, to, text) {
        if (text !== '[') return false;
        const tr = view.state.tr.insertText('[', from, to);
        tr.setMeta(pickerKey, { open: { from, mode: 'typed' } } satisfies PickerMeta);
        view.dispatch(tr);
        return true;
      },
      handleKeyDown(view, event) {
        if (!pickerKey.getState(view.state)) return false;
        return host.onKeyDown(event);
      },
    },
    view: () => ({
      update: (view) => host.onChange(pickerKey.getState(view.state) ?? null, view),
      destroy: () => undefined,
    }),
  });
}

/** Closes the picker; in shortcut mode the `[` and what was typed after it go too. */
export function closePicker(view: EditorView): void {
  const state = pickerKey.getState(view.state);
  if (!state) return;
  const tr = view.state.tr.setMeta(pickerKey, { close: true } satisfies PickerMeta);
  if (state.mode === 'shortcut') tr.delete(state.from, state.to);
  view.dispatch(tr);
}

/**
 * Replaces `[query` with a citation of `sourceIds`. Next to an existing citation the sources join
 * it instead, so one marker cites several sources ([2][5]).
 */
export function insertCitation(view: EditorView, sourceIds: readonly string[]): void {
  const state = pickerKey.getState(view.state);
  if (!state || sourceIds.length === 0) return;
  const { doc, schema } = view.state;
  let from = state.from;
  const before = doc.resolve(from);
  if (before.parentOffset > 0 && doc.textBetween(from - 1, from) === ' ') from--;
  const tr = view.state.tr.setMeta(pickerKey, { close: true } satisfies PickerMeta);
  const neighbour = doc.resolve(from).nodeBefore;
  if (neighbour?.type.name === CITATION_NODE) {
    const existing = sourcesOf(neighbour.attrs.sources);
    tr.delete(from, state.to);
    tr.setNodeMarkup(from - neighbour.nodeSize, undefined, { sources: [...new Set([...existing, ...sourceIds])] });
    tr.setSelection(TextSelection.create(tr.doc, from));
  } else {
    const node = schema.nodes[CITATION_NODE]?.create({ sources: [...new Set(sourceIds)] });
    if (!node) return;
    tr.replaceWith(from, state.to, node);
    tr.setSelection(TextSelection.create(tr.doc, from + node.nodeSize));
  }
  view.dispatch(tr.scrollIntoView());
  view.focus();
}

/**
 * Where the cite shortcut puts a citation: at the cursor, or, with text selected, at the end of
 * the sentence the selection ends in, before its final punctuation ("capital|." — where the
 * seed's citations stand).
 */
function citationPosition(state: EditorState): number {
  const { selection } = state;
  if (selection.empty) return selection.from;
  const $end = state.doc.resolve(selection.to);
  const block = $end.parent;
  const blockStart = $end.start();
  const paragraphIndex = $end.index(0);
  // The offset of the selection's end in the paragraph's text (citations take no room).
  let textOffset = 0;
  block.forEach((child, offset) => {
    if (!child.isText) return;
    const start = blockStart + offset;
    const length = child.text?.length ?? 0;
    if (selection.to >= start + length) textOffset += length;
    else if (selection.to > start) textOffset += selection.to - start;
  });
  const inlines = inlinesOf(block);
  const sentence = splitSentences(inlines).find((candidate) => textOffset > candidate.start && textOffset <= candidate.end) ?? splitSentences(inlines).at(-1);
  if (!sentence) return selection.to;
  const end = sentence.start + sentence.text.replace(/[.!?…]+["”’)\]]*$/u, '').length;
  return positionOfOffset(state.doc, paragraphIndex, end);
}

function openPickerForShortcut(editor: Editor): boolean {
  const { view, state } = editor;
  if (!editor.isEditable || pickerKey.getState(state)) return false;
  const at = citationPosition(state);
  const tr = state.tr.insertText('[', at, at);
  tr.setSelection(TextSelection.create(tr.doc, at + 1));
  tr.setMeta(pickerKey, { open: { from: at, mode: 'shortcut' } } satisfies PickerMeta);
  view.dispatch(tr.scrollIntoView());
  return true;
}

// ---------------------------------------------------------------------------------------------
// The editor's extensions

export interface EditorHooks {
  picker: PickerHost;
  /** Ctrl/⌘+K: ask for a link address for the selection. */
  requestLink(): void;
}

/** A document of exactly one paragraph: a timeline entry's text. */
const SingleParagraphDocument = Document.extend({ content: 'paragraph' });

/** Whether `href` may be a link in the story (the model's own check). */
export function isWebUrl(href: string): boolean {
  return WebUrlSchema.safeParse(href).success;
}

export function editorExtensions(hooks: EditorHooks, options: { singleParagraph: boolean }) {
  const Behaviour = Extension.create({
    name: 'storydeskEditing',
    addKeyboardShortcuts() {
      return {
        'Mod-Shift-k': ({ editor }) => openPickerForShortcut(editor),
        'Mod-k': () => {
          hooks.requestLink();
          return true;
        },
        // One paragraph: Enter makes no new one, but still reaches the open picker (to insert).
        ...(options.singleParagraph ? { Enter: ({ editor }) => pickerKey.getState(editor.state) == null } : {}),
      };
    },
    addProseMirrorPlugins() {
      return [pickerPlugin(hooks.picker)];
    },
  });
  return [
    options.singleParagraph ? SingleParagraphDocument : Document,
    Paragraph,
    Text,
    Bold,
    Italic,
    Link.configure({
      openOnClick: false,
      autolink: false,
      linkOnPaste: true,
      protocols: [],
      defaultProtocol: 'https',
      isAllowedUri: (url) => isWebUrl(url),
      HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
    }),
    Citation,
    Behaviour,
  ];
}

export { openPickerForShortcut };
