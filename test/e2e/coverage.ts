/**
 * Page objects for the coverage panel and the page preview beside the story editor: the figures
 * and findings as an editor reads them, and the preview frame with where it is scrolled.
 */
import type { FrameLocator, Locator, Page } from '@playwright/test';
import { axeProblems } from './workbench';

export type SeverityHeading = 'Blockers' | 'Warnings' | 'Notes';

export class CoveragePanelView {
  readonly region: Locator;

  constructor(private readonly page: Page) {
    this.region = page.getByRole('main', { name: 'Story' }).getByRole('region', { name: 'Coverage' });
  }

  /** A figure's value as shown: "15/15", "In order (oldest first)". */
  figure(term: string): Locator {
    return this.region.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
  }

  /** A severity group ("Blockers (18)"), open or closed. */
  group(heading: SeverityHeading): Locator {
    return this.region.locator('details', { has: this.page.locator('summary', { hasText: new RegExp(`^${heading} \\(\\d+\\)$`) }) });
  }

  async openGroup(heading: SeverityHeading): Promise<void> {
    const group = this.group(heading);
    if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
  }

  /** The findings of a group shown now, as buttons named by their place and message. */
  findings(heading: SeverityHeading): Locator {
    return this.group(heading).locator('button.finding');
  }

  /** The finding whose place or message says `text`. */
  finding(text: string | RegExp): Locator {
    return this.region.locator('button.finding', { hasText: text });
  }

  /** The words under the counts when a finding could not be shown. */
  notice(): Locator {
    return this.region.getByRole('status');
  }

  /** axe-core's serious and critical violations within the panel, in light and in dark. */
  async accessibilityProblems(): Promise<string[]> {
    return axeProblems(this.page, (builder) => builder.include('.story-side .coverage'));
  }
}

/** What the tests read of the frame's document (the tests' types have no DOM). */
interface FrameWindow {
  scrollY: number;
  innerHeight: number;
  scrollTo(x: number, y: number): void;
  document: { getElementById(id: string): { getBoundingClientRect(): { top: number; bottom: number } } | null };
}

export class PagePreview {
  readonly frameElement: Locator;
  readonly frame: FrameLocator;

  constructor(page: Page) {
    this.frameElement = page.getByRole('region', { name: 'Page preview' }).locator('iframe[title="Page preview"]');
    this.frame = page.frameLocator('iframe[title="Page preview"]');
  }

  /** How far the frame's page is scrolled, in CSS pixels. */
  scrollTop(): Promise<number> {
    return this.frameElement.evaluate((frame) => (frame as unknown as { contentWindow: FrameWindow }).contentWindow.scrollY);
  }

  /** Scrolls the frame's page so that the element with this id is at its top, as a reader would. */
  async scrollToAnchor(id: string): Promise<void> {
    await this.frameElement.evaluate((frame, id) => {
      const view = (frame as unknown as { contentWindow: FrameWindow }).contentWindow;
      const box = view.document.getElementById(id)?.getBoundingClientRect();
      if (!box) throw new Error(`no #${id} in the preview`);
      view.scrollTo(0, view.scrollY + box.top);
    }, id);
  }

  /** Whether any of the element with this id is inside the frame's view. */
  showsAnchor(id: string): Promise<boolean> {
    return this.frameElement.evaluate((frame, id) => {
      const view = (frame as unknown as { contentWindow: FrameWindow }).contentWindow;
      const box = view.document.getElementById(id)?.getBoundingClientRect();
      return box !== undefined && box.top < view.innerHeight && box.bottom > 0;
    }, id);
  }

  /** The text of the preview's section with this id. */
  sectionText(sectionId: string): Promise<string | null> {
    return this.frame.locator(`#section-${sectionId}`).textContent();
  }
}

/** A section of the story editor, by its 1-based number: its body is the rich-text editor. */
export function sectionBody(page: Page, number: number): Locator {
  return page.getByRole('main', { name: 'Story' }).getByRole('textbox', { name: `Section ${number} text`, exact: true });
}

/** The text the editor has selected now (in the page, or in a focused field). */
export function selectedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document, getSelection } = globalThis as unknown as {
      document: { activeElement: { value?: string; selectionStart?: number | null; selectionEnd?: number | null } | null };
      getSelection(): { toString(): string } | null;
    };
    const field = document.activeElement;
    if (field && typeof field.value === 'string' && typeof field.selectionStart === 'number' && typeof field.selectionEnd === 'number') {
      return field.value.slice(field.selectionStart, field.selectionEnd);
    }
    return getSelection()?.toString() ?? '';
  });
}
