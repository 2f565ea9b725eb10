/**
 * Page objects for the story editor's sections and its rich-text fields: headings, bodies, the
 * source picker, the link dialog. Named as an editor would name what they see.
 */
import type { Locator, Page } from '@playwright/test';

export class SectionsEditor {
  readonly region: Locator;

  constructor(private readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Sections', exact: true });
  }

  items(): Locator {
    return this.region.locator('.section-item');
  }

  heading(number: number): Locator {
    return this.region.getByRole('textbox', { name: `Section ${number} heading`, exact: true });
  }

  body(number: number): Locator {
    return this.region.getByRole('textbox', { name: `Section ${number} text`, exact: true });
  }

  handle(number: number): Locator {
    return this.region.getByRole('button', { name: new RegExp(`^Move section ${number} \\(drag`) });
  }

  button(name: string): Locator {
    return this.region.getByRole('button', { name, exact: true });
  }

  async headings(): Promise<string[]> {
    return this.region.locator('input.section-heading').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
  }

  /** What has the keyboard focus: its value (a field) and its accessible label. */
  async focused(): Promise<{ value: string | undefined; label: string | null }> {
    // Runs in the page; the tests' types have no DOM.
    return this.page.evaluate(() => {
      const { document } = globalThis as unknown as { document: { activeElement: { value?: string; getAttribute(name: string): string | null } | null } };
      return { value: document.activeElement?.value, label: document.activeElement?.getAttribute('aria-label') ?? null };
    });
  }

  /** Puts the cursor at the end of a section's text (making its editor first, as a click does). */
  async typeAtEndOf(number: number, text: string): Promise<void> {
    await this.body(number).click();
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.type(text);
  }

  /** Drags a section by its handle until its middle is over another section's middle, as with a mouse. */
  async drag(from: number, to: number): Promise<void> {
    // Both must be on screen: the pointer cannot reach beyond it.
    await this.items().nth(Math.min(from, to) - 1).scrollIntoViewIfNeeded();
    const handle = await this.handle(from).boundingBox();
    const dragged = await this.items().nth(from - 1).boundingBox();
    const target = await this.items().nth(to - 1).boundingBox();
    if (!handle || !dragged || !target) throw new Error('the section or its handle is not on screen');
    const x = handle.x + handle.width / 2;
    const y = handle.y + handle.height / 2;
    const by = target.y + target.height / 2 - (dragged.y + dragged.height / 2);
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    for (let step = 1; step <= 12; step++) await this.page.mouse.move(x, y + (by * step) / 12);
    await this.page.mouse.up();
  }
}

/** The source picker that `[` or the cite shortcut opens. */
export class SourcePicker {
  readonly popup: Locator;

  constructor(page: Page) {
    this.popup = page.locator('.source-picker');
  }

  options(): Locator {
    return this.popup.getByRole('option');
  }

  async optionTexts(): Promise<string[]> {
    return (await this.options().allTextContents()).map((text) => text.trim());
  }

  selected(): Locator {
    return this.popup.locator('[role="option"][aria-selected="true"]');
  }
}

/** The chips' markers in a field, in order: ["[1]", "[2]"]. */
export async function chipsIn(field: Locator): Promise<string[]> {
  return field.locator('.citation-chip').allTextContents();
}
