/**
 * A rich-text field of the story (a section body, a timeline entry's text): paragraphs, bold,
 * italic, links and citation chips, edited with TipTap. The field speaks the story's inline model
 * (doc-mapping.ts): it takes paragraphs and gives paragraphs back on every change.
 *
 * A story can have hundreds of these, so the editor itself is made only when the field nears the
 * screen or is focused or clicked; until then the same content is drawn as plain markup that
 * looks the same. Focus, a click (at the clicked place) and `select` all reach the editor.
 */
import { Editor } from '@tiptap/core';
import { NodeSelection, Selection, TextSelection } from '@tiptap/pm/state';
import { createPortal, flushSync } from 'react-dom';
import { memo, useEffect, useId, useImperativeHandle, useLayoutEffect, useRef, useState, type MouseEvent, type ReactNode, type Ref } from 'react';
import type { Inline, Paragraph } from '../../shared/model';
import { Dialog } from '../dialogs/Dialog';
import { useCitationNumbering, markerOf, describeCitation } from './citation-numbers';
import { CITATION_NODE, docToParagraphs, paragraphsToDoc, positionOfOffset, rangeOfInline, sameParagraphs } from './doc-mapping';
import { editorExtensions, isWebUrl, openPickerForShortcut, type EditorHooks, type PickerState } from './extensions';
import { SourcePicker, type PickerKeys, type PickerOpen } from './SourcePicker';
import './editor.css';

/** What the parts around a field can ask of it. */
export interface RichTextHandle {
  focus(): void;
  /**
   * Selects part of the text and shows it: a citation (`inline`, the index of the node in the
   * paragraph's inline content), a character range of a paragraph's text (`start`/`end`;
   * citations take no room), or a whole paragraph.
   */
  select(target: { paragraph?: number; start?: number; end?: number; inline?: number }): void;
}

export interface RichTextProps {
  /** The field's accessible name: "Section 2 text". */
  label: string;
  content: Paragraph[];
  onChange(content: Paragraph[]): void;
  /** One paragraph only (Enter does nothing): a timeline entry. */
  singleParagraph?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  handle?: Ref<RichTextHandle>;
}

// ---------------------------------------------------------------------------------------------
// Making editors as fields near the screen

const NEAR_SCREEN = '600px 0px';
const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;

/** Calls `callback` once `element` comes within NEAR_SCREEN of the screen; returns the function that stops waiting. */
export function whenNearScreen(element: Element, callback: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    callback();
    return () => undefined;
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const run = waiting.get(entry.target);
        waiting.delete(entry.target);
        observer?.unobserve(entry.target);
        run?.();
      }
    },
    { rootMargin: NEAR_SCREEN },
  );
  waiting.set(element, callback);
  observer.observe(element);
  return () => {
    waiting.delete(element);
    observer?.unobserve(element);
  };
}

// ---------------------------------------------------------------------------------------------

type PendingSelection = { kind: 'point'; left: number; top: number } | { kind: 'select'; target: Parameters<RichTextHandle['select']>[0] } | { kind: 'focus' };

export const RichText = memo(function RichText(props: RichTextProps) {
  const { label, content, singleParagraph = false, readOnly = false, placeholder, handle } = props;
  const [editor, setEditor] = useState<Editor | null>(null);
  const [wanted, setWanted] = useState(false);
  const [picker, setPicker] = useState<PickerOpen | null>(null);
  const [linkAsked, setLinkAsked] = useState<{ href: string } | null>(null);
  const staticRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const pending = useRef<PendingSelection | null>(null);
  const lastEmitted = useRef<Paragraph[]>(content);
  const onChange = useRef(props.onChange);
  const pickerKeys = useRef<PickerKeys | null>(null);
  const contentRef = useRef(content);
  useLayoutEffect(() => {
    onChange.current = props.onChange;
    contentRef.current = content;
  });

  // Made when near the screen.
  useEffect(() => {
    const element = staticRef.current;
    if (wanted || !element) return undefined;
    return whenNearScreen(element, () => setWanted(true));
  }, [wanted]);

  // The editor itself: made during the commit that asks for it (see `makeNow`), so that keys
  // pressed right after a focus or a click land in it.
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!wanted || !host) return undefined;
    const hooks: EditorHooks = {
      picker: {
        onChange(state: PickerState | null, view) {
          setPicker((open) => {
            if (!state) return null;
            if (open && open.state.from === state.from && open.state.to === state.to && open.state.query === state.query) return open;
            return { state, view };
          });
        },
        onKeyDown: (event) => pickerKeys.current?.onKeyDown(event) ?? false,
      },
      requestLink: () => {
        const current = made.getAttributes('link').href;
        setLinkAsked({ href: typeof current === 'string' ? current : '' });
      },
    };
    const made = new Editor({
      element: host,
      extensions: editorExtensions(hooks, { singleParagraph }),
      content: paragraphsToDoc(contentRef.current),
      editable: !readOnly,
      editorProps: {
        attributes: {
          class: 'rich-text',
          role: 'textbox',
          'aria-label': label,
          'aria-multiline': singleParagraph ? 'false' : 'true',
          spellcheck: 'true',
          ...(placeholder ? { 'data-placeholder': placeholder } : {}),
        },
      },
      onUpdate: ({ editor: changed }) => {
        const next = docToParagraphs(changed.state.doc);
        lastEmitted.current = next;
        if (!sameParagraphs(next, contentRef.current)) onChange.current(next);
      },
    });
    lastEmitted.current = contentRef.current;
    staticRef.current?.setAttribute('hidden', '');
    const asked = pending.current;
    pending.current = null;
    if (asked) applySelection(made, asked);
    setEditor(made);
    return () => {
      setEditor(null);
      made.destroy();
    };
    // The editor is made once; later changes of these props reach it in the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted]);

  // The story changed from elsewhere (undo, another panel): the editor follows.
  useEffect(() => {
    if (!editor || sameParagraphs(content, lastEmitted.current)) return;
    lastEmitted.current = content;
    if (sameParagraphs(content, docToParagraphs(editor.state.doc))) return;
    const { from, to } = editor.state.selection;
    editor.commands.setContent(paragraphsToDoc(content), { emitUpdate: false });
    const size = editor.state.doc.content.size;
    try {
      editor.commands.setTextSelection({ from: Math.min(from, size), to: Math.min(to, size) });
    } catch {
      // The old selection does not fit the new text: the cursor goes to the start.
    }
  }, [editor, content]);

  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly);
  }, [editor, readOnly]);

  useEffect(() => {
    if (!editor) return;
    editor.view.dom.setAttribute('aria-label', label);
  }, [editor, label]);

  /** Makes the editor now (not after the next paint) and then applies what was asked of it. */
  const makeNow = (asked: PendingSelection) => {
    pending.current = asked;
    flushSync(() => setWanted(true));
  };

  useImperativeHandle(
    handle,
    () => ({
      focus() {
        if (editor) focusAt(editor, 'end');
        else makeNow({ kind: 'focus' });
      },
      select(target) {
        if (editor) selectIn(editor, target);
        else makeNow({ kind: 'select', target });
      },
    }),
    [editor],
  );

  const fieldId = useId();
  return (
    <div className={`rich-text-field${readOnly ? ' read-only' : ''}`}>
      {editor && !readOnly ? <Toolbar editor={editor} label={label} onLink={() => setLinkAsked({ href: String(editor.getAttributes('link').href ?? '') })} /> : null}
      <div ref={hostRef} className="rich-text-host" id={fieldId} />
      {editor ? null : (
        <div
          ref={staticRef}
          className="rich-text static"
          role="textbox"
          aria-label={label}
          aria-multiline={!singleParagraph}
          aria-readonly={readOnly}
          tabIndex={0}
          data-placeholder={placeholder}
          onFocus={() => makeNow({ kind: 'focus' })}
          onMouseDown={(event) => {
            // The editor takes the focus at the clicked place; the stand-in must not.
            event.preventDefault();
            makeNow({ kind: 'point', left: event.clientX, top: event.clientY });
          }}
        >
          <StaticContent content={content} />
        </div>
      )}
      {picker ? <SourcePicker open={picker} keysRef={pickerKeys} /> : editor ? <CitationCard editor={editor} /> : null}
      {linkAsked && editor ? (
        <LinkDialog
          href={linkAsked.href}
          onClose={() => {
            setLinkAsked(null);
            editor.commands.focus();
          }}
          onApply={(href) => {
            setLinkAsked(null);
            applyLink(editor, href);
          }}
        />
      ) : null}
    </div>
  );
});

/**
 * Puts the cursor at `at` and the focus in the editor at once (TipTap's own focus command waits a
 * frame, and keys pressed meanwhile would go to the field the focus came from).
 */
function focusAt(editor: Editor, at: number | 'end'): void {
  const { doc } = editor.state;
  const selection = at === 'end' ? Selection.atEnd(doc) : TextSelection.near(doc.resolve(Math.max(0, Math.min(at, doc.content.size))));
  editor.view.dispatch(editor.state.tr.setSelection(selection).scrollIntoView());
  editor.view.focus();
}

function applySelection(editor: Editor, asked: PendingSelection): void {
  if (asked.kind === 'point') {
    const at = editor.view.posAtCoords({ left: asked.left, top: asked.top });
    focusAt(editor, at ? at.pos : 'end');
  } else if (asked.kind === 'select') {
    selectIn(editor, asked.target);
  } else {
    focusAt(editor, 'end');
  }
}

function selectIn(editor: Editor, target: Parameters<RichTextHandle['select']>[0]): void {
  const { doc } = editor.state;
  const paragraph = Math.max(0, Math.min(target.paragraph ?? 0, doc.childCount - 1));
  let tr = editor.state.tr;
  if (target.inline !== undefined) {
    const range = rangeOfInline(doc, paragraph, target.inline);
    if (range) tr = tr.setSelection(NodeSelection.create(doc, range.from));
  } else if (target.start !== undefined) {
    const from = positionOfOffset(doc, paragraph, target.start);
    const to = positionOfOffset(doc, paragraph, target.end ?? target.start);
    tr = tr.setSelection(TextSelection.create(doc, from, to));
  } else {
    let start = 1;
    doc.forEach((_block, offset, index) => {
      if (index === paragraph) start = offset + 1;
    });
    const block = doc.child(paragraph);
    tr = tr.setSelection(TextSelection.create(doc, start, start + block.content.size));
  }
  editor.view.dispatch(tr.scrollIntoView());
  editor.view.focus();
  // Scrolled to the middle, so the surrounding text shows too.
  const { node } = editor.view.domAtPos(editor.state.selection.from);
  (node instanceof Element ? node : node.parentElement)?.scrollIntoView({ block: 'center' });
}

function applyLink(editor: Editor, href: string): void {
  const chain = editor.chain().focus().extendMarkRange('link');
  if (href === '') {
    chain.unsetLink().run();
    return;
  }
  if (editor.state.selection.empty && !editor.isActive('link')) {
    // Nothing selected: the address itself becomes the linked text.
    chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run();
    return;
  }
  chain.setLink({ href }).run();
}

// ---------------------------------------------------------------------------------------------

function Toolbar({ editor, label, onLink }: { editor: Editor; label: string; onLink(): void }) {
  const [, redraw] = useState(0);
  useEffect(() => {
    const update = () => redraw((count) => count + 1);
    editor.on('selectionUpdate', update);
    editor.on('transaction', update);
    return () => {
      editor.off('selectionUpdate', update);
      editor.off('transaction', update);
    };
  }, [editor]);
  const keep = (event: MouseEvent) => event.preventDefault();
  return (
    <div className="rich-text-toolbar" role="toolbar" aria-label={`${label}: formatting`}>
      <button type="button" aria-pressed={editor.isActive('bold')} title="Bold (Ctrl/⌘+B)" onMouseDown={keep} onClick={() => editor.chain().focus().toggleBold().run()}>
        <strong>B</strong>
      </button>
      <button type="button" aria-pressed={editor.isActive('italic')} title="Italic (Ctrl/⌘+I)" onMouseDown={keep} onClick={() => editor.chain().focus().toggleItalic().run()}>
        <em>I</em>
      </button>
      <button type="button" aria-pressed={editor.isActive('link')} title="Link (Ctrl/⌘+K)" onMouseDown={keep} onClick={onLink}>
        Link
      </button>
      <button
        type="button"
        title="Cite a source here, or after the selected sentence (Ctrl/⌘+Shift+K, or type “[”)"
        onMouseDown={keep}
        onClick={() => {
          editor.commands.focus();
          openPickerForShortcut(editor);
        }}
      >
        Cite
      </button>
    </div>
  );
}

function LinkDialog({ href, onApply, onClose }: { href: string; onApply(href: string): void; onClose(): void }) {
  const [value, setValue] = useState(href);
  const [tried, setTried] = useState(false);
  const inputId = useId();
  const problemId = useId();
  const trimmed = value.trim();
  const valid = trimmed === '' || isWebUrl(trimmed);
  return (
    <Dialog title={href ? 'Edit link' : 'Add link'} onClose={onClose} className="link-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTried(true);
          if (valid) onApply(trimmed);
        }}
      >
        <label htmlFor={inputId}>Address</label>
        <input
          id={inputId}
          type="url"
          value={value}
          autoFocus
          spellCheck={false}
          placeholder="https://"
          aria-invalid={tried && !valid}
          aria-describedby={problemId}
          onChange={(event) => setValue(event.target.value)}
        />
        <p id={problemId} className={tried && !valid ? 'problem' : 'hint'}>
          {tried && !valid ? 'A link must be an http:// or https:// address, such as https://example.com/story.' : 'Leave it empty to remove the link.'}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit">{trimmed === '' && href ? 'Remove link' : 'Apply'}</button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The citation at the cursor (selected, or just before the cursor, where Backspace would remove
 * it), and where it is drawn; undefined when there is none.
 */
function citationAtCursor(editor: Editor): { sources: string[]; left: number; top: number } | undefined {
  const { selection } = editor.state;
  let at: number | undefined;
  let node = selection instanceof NodeSelection ? selection.node : undefined;
  if (node?.type.name === CITATION_NODE) at = selection.from;
  else if (selection.empty && selection.$from.nodeBefore?.type.name === CITATION_NODE) {
    node = selection.$from.nodeBefore;
    at = selection.from - node.nodeSize;
  }
  if (!node || at === undefined || !editor.view.hasFocus()) return undefined;
  const sources: unknown = node.attrs.sources;
  try {
    const coords = editor.view.coordsAtPos(at);
    return { sources: Array.isArray(sources) ? sources.map(String) : [], left: coords.left, top: coords.bottom + 4 };
  } catch {
    return undefined;
  }
}

/**
 * What the citation at the cursor cites, under it and said to screen readers: the keyboard's
 * counterpart of the chip's tooltip.
 */
function CitationCard({ editor }: { editor: Editor }) {
  const [shown, setShown] = useState(() => citationAtCursor(editor));
  useCitationNumbering((state) => state.numbers);
  useEffect(() => {
    const update = () => setShown(citationAtCursor(editor));
    const hide = () => setShown(undefined);
    editor.on('selectionUpdate', update);
    editor.on('focus', update);
    editor.on('blur', hide);
    // The card is placed where the chip was drawn; a scroll of the pane follows it there.
    document.addEventListener('scroll', update, true);
    return () => {
      editor.off('selectionUpdate', update);
      editor.off('focus', update);
      editor.off('blur', hide);
      document.removeEventListener('scroll', update, true);
    };
  }, [editor]);
  if (!shown) return null;
  return createPortal(
    <p className="citation-card" role="status" style={{ left: shown.left, top: shown.top }}>
      <span className="citation-card-marker">{markerOf(shown.sources)}</span> {describeCitation(shown.sources)}. <span className="hint">Backspace removes it.</span>
    </p>,
    document.body,
  );
}

// ---------------------------------------------------------------------------------------------
// The field drawn before its editor is made: the same markup the editor would show.

function StaticContent({ content }: { content: Paragraph[] }) {
  useCitationNumbering((state) => state.numbers);
  useCitationNumbering((state) => state.style);
  if (content.length === 0) return <p />;
  return (
    <>
      {content.map((paragraph, index) => (
        <p key={index}>{paragraph.content.map(staticInline)}</p>
      ))}
    </>
  );
}

function staticInline(inline: Inline, index: number): ReactNode {
  if (inline.type === 'citation') {
    const marker = markerOf(inline.sources);
    return (
      <span key={index} className="citation-chip" title={describeCitation(inline.sources)}>
        {marker}
      </span>
    );
  }
  let node: ReactNode = inline.text;
  for (const mark of inline.marks ?? []) {
    if (mark.type === 'bold') node = <strong>{node}</strong>;
    else if (mark.type === 'italic') node = <em>{node}</em>;
    // Not a live link: a click here places the cursor, as it does in the editor.
    else node = <span className="link-mark" title={mark.href}>{node}</span>;
  }
  return <span key={index}>{node}</span>;
}
