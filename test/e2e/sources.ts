/**
 * Page objects for the story's sources panel: what an editor sees there (numbered rows, the
 * fields of an open source, the places citing it) and does (add, paste an address, move, merge,
 * delete), named as they would name it.
 */
import type { Locator, Page } from '@playwright/test';
import { axeProblems } from './workbench';

/** What the clipboard helper uses in the page, typed as far as it uses it (the tests' types have no DOM). */
interface PageGlobals {
  DataTransfer: new () => { setData(type: string, data: string): void };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
}

export class SourcesPanel {
  readonly panel: Locator;
  readonly list: Locator;

  constructor(private readonly page: Page) {
    this.panel = page.getByRole('main', { name: 'Story' }).getByRole('region', { name: /^Sources\b/ });
    this.list = this.panel.getByRole('list', { name: 'Sources, in list order' });
  }

  rows(): Locator {
    return this.list.locator('> li');
  }

  /** A source's row by (part of) its name as the row shows it: its title, address or note. */
  row(name: string): SourceRow {
    return new SourceRow(this.page, this.rows().filter({ has: this.page.locator('.source-name', { hasText: name }) }));
  }

  /**
   * The row of the source now named `name`, which stays that source's row when its title or
   * address changes what the row shows.
   */
  async find(name: string): Promise<SourceRow> {
    const id = await this.row(name).row.getAttribute('data-source-id');
    return new SourceRow(this.page, this.rows().and(this.page.locator(`[data-source-id="${id}"]`)));
  }

  /** The row at a 0-based position in the list. */
  rowAt(index: number): SourceRow {
    return new SourceRow(this.page, this.rows().nth(index));
  }

  /** The display numbers in list order: `[3]` for each row. */
  numbers(): Promise<string[]> {
    return this.list.locator('.source-number').allTextContents();
  }

  names(): Promise<string[]> {
    return this.list.locator('.source-name').allTextContents();
  }

  addBox(): Locator {
    return this.panel.getByLabel('Add source from URL', { exact: true });
  }

  /** Adds a source from what the add box holds (an empty box adds an empty source). */
  async add(): Promise<void> {
    await this.panel.getByRole('button', { name: 'Add source', exact: true }).click();
  }

  async chooseNumbering(label: 'Newest first, by published date' | 'By first appearance in the text' | 'Manual: the order of this list'): Promise<void> {
    await this.panel.getByLabel('Numbering', { exact: true }).selectOption({ label });
  }

  async chooseMarkers(label: 'Separate: [2][5]' | 'Combined: [2, 5]'): Promise<void> {
    await this.panel.getByLabel('Markers citing several sources', { exact: true }).selectOption({ label });
  }

  /** What the panel says about how the numbers are given. */
  numberingExplanation(): Locator {
    return this.panel.locator('.source-numbering .hint');
  }

  dialog(title: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name: title });
  }

  /** axe-core's serious and critical violations in the panel (or the part of it `selector` names), in light and in dark. */
  async accessibilityProblems(selector = '.sources-panel'): Promise<string[]> {
    return axeProblems(this.page, (builder) => builder.include(selector));
  }
}

export class SourceRow {
  constructor(
    private readonly page: Page,
    readonly row: Locator,
  ) {}

  toggle(): Locator {
    return this.row.locator('.source-toggle');
  }

  handle(): Locator {
    return this.row.locator('.source-handle');
  }

  async number(): Promise<string> {
    return (await this.row.locator('.source-number').textContent()) ?? '';
  }

  /** "Cited in 3 places", "Not cited" or "Related, not cited". */
  cited(): Locator {
    return this.row.locator('.source-cited');
  }

  async open(): Promise<void> {
    if ((await this.toggle().getAttribute('aria-expanded')) !== 'true') await this.toggle().click();
  }

  field(label: string): Locator {
    return this.row.getByLabel(label, { exact: true });
  }

  problemOf(label: string): Locator {
    return this.row.locator('.field', { has: this.page.getByLabel(label, { exact: true }) }).locator('.field-problem');
  }

  /** The notes under the address: its canonical form, a duplicate. */
  urlNotes(): Locator {
    return this.row.locator('.url-note');
  }

  citedIn(): Locator {
    return this.row.getByRole('region', { name: 'Cited in' }).getByRole('button');
  }

  button(name: string): Locator {
    return this.row.getByRole('button', { name, exact: true });
  }

  /** Drags the row by its handle and drops it over the lower part of `target`'s row. */
  async dragOnto(target: SourceRow): Promise<void> {
    await target.row.scrollIntoViewIfNeeded();
    await this.handle().scrollIntoViewIfNeeded();
    const from = await this.handle().boundingBox();
    const to = await target.row.boundingBox();
    if (!from || !to) throw new Error('the rows are not on screen');
    const x = from.x + from.width / 2;
    await this.page.mouse.move(x, from.y + from.height / 2);
    await this.page.mouse.down();
    // Past the few pixels that tell a drag from a click, then on to the target, as a hand would.
    await this.page.mouse.move(x, from.y + from.height / 2 + 12, { steps: 4 });
    await this.page.mouse.move(x, to.y + to.height * 0.8, { steps: 12 });
    await this.page.mouse.up();
  }

  /** Alt+↑ or Alt+↓ with the focus on the row's handle. */
  async moveByKeyboard(direction: 'up' | 'down'): Promise<void> {
    await this.handle().focus();
    await this.page.keyboard.press(direction === 'up' ? 'Alt+ArrowUp' : 'Alt+ArrowDown');
  }
}

/** Pastes `text` into a text box, as copying it from a browser's address bar does. */
export async function pasteText(box: Locator, text: string): Promise<void> {
  await box.focus();
  await box.evaluate((element, pasted) => {
    const { DataTransfer, ClipboardEvent } = globalThis as unknown as PageGlobals;
    const transfer = new DataTransfer();
    transfer.setData('text/plain', pasted);
    (element as unknown as { dispatchEvent(event: unknown): boolean }).dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, text);
}

/** Where the focus is, described for an assertion: the element, and the source, section or timeline entry it is in. */
export interface FocusedPlace {
  tag: string;
  className: string;
  /** The `data-field` of a source's field. */
  field: string | null;
  /** Whether it is rich text (the section and timeline editors). */
  editable: boolean;
  sourceId: string | null;
  sectionId: string | null;
  entryId: string | null;
}

interface FocusedElement {
  tagName: string;
  className: unknown;
  isContentEditable: boolean;
  getAttribute(name: string): string | null;
  closest(selector: string): FocusedElement | null;
}

export async function focusedPlace(page: Page): Promise<FocusedPlace> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document.activeElement;
    return {
      tag: active?.tagName.toLowerCase() ?? '',
      className: typeof active?.className === 'string' ? active.className : '',
      field: active?.getAttribute('data-field') ?? null,
      editable: active?.isContentEditable ?? false,
      sourceId: active?.closest('[data-source-id]')?.getAttribute('data-source-id') ?? null,
      sectionId: active?.closest('[data-section-id]')?.getAttribute('data-section-id') ?? null,
      entryId: active?.closest('[data-entry-id]')?.getAttribute('data-entry-id') ?? null,
    };
  });
}
