/**
 * The finished page as it will be exported (shared/page-html.ts), in a frame beside the editor,
 * following the typing and the part being edited.
 *
 * The frame runs no script: its sandbox leaves scripts out, and the page's own CSP forbids them.
 * The sandbox keeps the same origin so that this window may reach into the frame's document:
 * the first page is loaded whole, and each later page is laid into the same document (its body
 * swapped, its style changed only when it changed), which neither flashes nor loses the reader's
 * place as a reload of the frame would. Then the part being edited is scrolled into view, by the
 * anchors the page gives each section, source and timeline entry, when it is not in view already.
 */
import { useEffect, useRef, useState } from 'react';
import { useActivePart, type ActivePart } from './editor/reveal';
import './preview.css';

export function Preview({ html }: { html: string | null }) {
  return (
    <section className="preview" aria-label="Page preview">
      <h2>Preview</h2>
      {html !== null ? <PreviewFrame html={html} /> : null}
    </section>
  );
}

function PreviewFrame({ html }: { html: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  // The frame loads the page it was first given; later pages are laid into its document.
  const [firstPage] = useState(html);
  const [loaded, setLoaded] = useState(false);
  const active = useActivePart((state) => state.active);
  /** A part that was not on the page yet when the editor went to it (just added): followed once it is. */
  const waitingFor = useRef<ActivePart | null>(null);

  // Following reads the page's layout, so it happens when the editor goes to another part, not
  // on every new page while typing stays in one.
  useEffect(() => {
    const document = loaded ? frame.current?.contentDocument : null;
    if (!document || !active) return;
    waitingFor.current = followPart(document, active) ? null : active;
  }, [loaded, active]);

  useEffect(() => {
    const document = loaded ? frame.current?.contentDocument : null;
    if (!document) return;
    showPage(document, html);
    if (waitingFor.current && followPart(document, waitingFor.current)) waitingFor.current = null;
  }, [html, loaded]);

  return (
    <iframe
      ref={frame}
      title="Page preview"
      sandbox="allow-same-origin"
      srcDoc={firstPage}
      onLoad={() => {
        const document = frame.current?.contentDocument;
        if (!document) return;
        prepareFrame(document, firstPage);
        setLoaded(true);
      }}
    />
  );
}

/** The page each frame document shows now, so that an unchanged page costs nothing. */
const pagesShown = new WeakMap<Document, string>();

/** Readies the frame's document, loaded from `firstPage`, for the pages that follow. */
function prepareFrame(document: Document, firstPage: string): void {
  pagesShown.set(document, firstPage);
  // The browser's scroll anchoring would move the page when the part it anchors to is replaced;
  // the reader's place is kept as it is instead (set from here: the page's CSS is the export's).
  document.documentElement.style.overflowAnchor = 'none';
  keepLinksInPage(document);
}

/** Lays `html` into the frame's document in place, keeping the reader's scroll position. */
function showPage(document: Document, html: string): void {
  const shown = pagesShown.get(document);
  if (shown === html) return;
  if (shown !== undefined && replaceChangedParts(document, shown, html)) {
    pagesShown.set(document, html);
    return;
  }
  const page = new DOMParser().parseFromString(html, 'text/html');
  const style = document.head.querySelector('style');
  const newStyle = page.head.querySelector('style');
  if (style && newStyle && style.textContent !== newStyle.textContent) style.textContent = newStyle.textContent;
  if (document.title !== page.title) document.title = page.title;
  patchChildren(document, document.body, page.body, 0);
  pagesShown.set(document, html);
}

/** A line of the page that is one whole anchored part: a section, a source or a timeline entry. */
const ANCHORED_PART = /^<(section|li) [^>]*?\bid="([\w-]+)"[^>]*>.*<\/\1>$/;

/**
 * The quick way, for the usual edit (typing in one part of a large story): the page puts each
 * section, source and timeline entry on a line of its own, so when only such lines changed, only
 * those elements are parsed and swapped, found by their anchors. Returns false, having changed
 * nothing, when the edit was anything else (a part added or removed, the header, the hero, the
 * related articles): then the whole page is parsed.
 */
function replaceChangedParts(document: Document, shownHtml: string, html: string): boolean {
  const before = shownHtml.split('\n');
  const after = html.split('\n');
  if (before.length !== after.length) return false;
  const replacements: [Element, string][] = [];
  for (let index = 0; index < after.length; index++) {
    const line = after[index] ?? '';
    const old = before[index] ?? '';
    if (line === old) continue;
    const anchored = ANCHORED_PART.exec(line);
    const id = anchored?.[2];
    const element = id === undefined ? null : document.getElementById(id);
    if (!element || ANCHORED_PART.exec(old)?.[2] !== id) return false;
    replacements.push([element, line]);
  }
  const template = document.createElement('template');
  const parts: [Element, Element][] = [];
  for (const [element, line] of replacements) {
    template.innerHTML = line;
    const part = template.content.firstElementChild;
    if (!part || template.content.childNodes.length !== 1 || part.id !== element.id) return false;
    parts.push([element, document.importNode(part, true)]);
  }
  for (const [element, part] of parts) element.replaceWith(part);
  return true;
}

/** How deep `patchChildren` looks for the changed part before it replaces what is below. */
const PATCH_DEPTH = 3;

/**
 * Makes `shown`'s children those of `wanted`, replacing only the ones that differ: typing in one
 * section replaces that section, and the hero image, say, stays as it is (no new decoding, no
 * flicker). When the number of children changed (a part added or removed), all are replaced.
 */
function patchChildren(document: Document, shown: Element, wanted: Element, depth: number): void {
  const before = shown.childNodes;
  const after = wanted.childNodes;
  if (before.length !== after.length) {
    shown.replaceChildren(...[...after].map((node) => document.importNode(node, true)));
    return;
  }
  for (let index = 0; index < after.length; index++) {
    const old = before[index];
    const next = after[index];
    if (!old || !next || old.isEqualNode(next)) continue;
    if (depth < PATCH_DEPTH && isElement(old) && isElement(next) && sameElementShell(old, next)) patchChildren(document, old, next, depth + 1);
    else old.replaceWith(document.importNode(next, true));
  }
}

function isElement(node: Node): node is Element {
  return node.nodeType === Node.ELEMENT_NODE;
}

/** Same tag and same attributes: only what is inside may differ. */
function sameElementShell(a: Element, b: Element): boolean {
  if (a.tagName !== b.tagName || a.attributes.length !== b.attributes.length) return false;
  for (const attribute of a.attributes) if (b.getAttribute(attribute.name) !== attribute.value) return false;
  return true;
}

/** The element of the page that shows a part of the story, by the page's anchors. */
function elementOf(document: Document, active: ActivePart): Element | null {
  switch (active.part) {
    case 'story':
      return document.querySelector('.story-header');
    case 'hero':
      return document.querySelector('figure.hero') ?? document.querySelector('.story-header');
    case 'section':
      return document.getElementById(`section-${active.id}`);
    case 'timeline':
      return document.getElementById(`entry-${active.id}`);
    case 'source':
      return document.querySelector(`[data-source-id="${CSS.escape(active.id)}"]`);
  }
}

/**
 * Scrolls the frame so that the part being edited shows, when it does not already: smoothly,
 * unless the reader asks for less motion. False when the page has no such part (yet).
 */
function followPart(document: Document, active: ActivePart): boolean {
  const element = elementOf(document, active);
  const view = document.defaultView;
  if (!element || !view) return false;
  const box = element.getBoundingClientRect();
  if (box.top < view.innerHeight && box.bottom > 0) return true;
  scrollFrameTo(document, element, window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'instant' : 'smooth');
  return true;
}

/** Room left above an element scrolled to, so that it does not stick to the frame's edge. */
const SCROLL_MARGIN = 16;

/** Scrolls the frame alone to `element` (`scrollIntoView` would scroll the workbench around it too). */
function scrollFrameTo(document: Document, element: Element, behavior: ScrollBehavior): void {
  const view = document.defaultView;
  const scroller = document.scrollingElement;
  if (!view || !scroller) return;
  view.scrollTo({ top: Math.max(0, scroller.scrollTop + element.getBoundingClientRect().top - SCROLL_MARGIN), behavior });
}

/**
 * Links in the preview go nowhere: the workbench frames nothing from the web (its CSP says
 * `frame-src 'none'`), so following one would only show an error. Links within the page (a
 * citation's `#source-2`) scroll to their target.
 */
function keepLinksInPage(document: Document): void {
  document.addEventListener('click', (event) => {
    const target = event.target;
    // The frame's nodes are of its own realm: `instanceof Element` of this window would say no.
    const link = target !== null && 'closest' in target ? (target as Element).closest('a[href]') : null;
    if (!link) return;
    event.preventDefault();
    const href = link.getAttribute('href') ?? '';
    const anchored = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
    if (anchored) scrollFrameTo(document, anchored, 'instant');
  });
}
