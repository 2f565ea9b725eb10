/**
 * Page objects for the timeline editor: its entries as an editor sees them (a numbered date
 * field with its reading, the text, a marker when the entry is out of date order) and what an
 * editor does to them (add, type a date, move, drag, delete, sort).
 */
import type { Locator, Page } from '@playwright/test';
import { axeProblems } from './workbench';

export class TimelinePanel {
  readonly section: Locator;
  readonly entries: Locator;

  constructor(private readonly page: Page) {
    this.section = page.getByRole('main', { name: 'Story' }).getByRole('region', { name: 'Timeline' });
    this.entries = this.section.getByRole('list', { name: /^Timeline entries/ }).getByRole('listitem');
  }

  /** Entry `number` (1-based, in page order). */
  entry(number: number): TimelineEntryRow {
    return new TimelineEntryRow(this.page, this.entries.nth(number - 1), number);
  }

  /** Every entry's date label, in page order. */
  async labels(): Promise<string[]> {
    return this.section.locator('input.entry-date-input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
  }

  /** The line over the entries: "2 entries are out of date order — Sort by date", or that they are in order. */
  summary(): Locator {
    return this.section.locator('.timeline-summary p').first();
  }

  /** The note under it on dates that cannot be read, when there are any. */
  undatedNote(): Locator {
    return this.section.locator('.timeline-summary p.hint');
  }

  sortButton(): Locator {
    return this.section.getByRole('button', { name: 'Sort by date' });
  }

  addButton(): Locator {
    return this.section.getByRole('button', { name: 'Add entry', exact: true });
  }

  /** The notice left by a deletion, with its Undo button. */
  notice(): Locator {
    return this.section.locator('.timeline-notice');
  }

  /**
   * axe-core's serious and critical violations in the timeline section, in light and in dark
   * (WorkbenchPage.accessibilityProblems scans the whole page, which takes far longer).
   */
  async accessibilityProblems(): Promise<string[]> {
    return axeProblems(this.page, (builder) => builder.include('.timeline-editor'));
  }

  /** Adds an entry at the end and types its date, as an editor does (the new date field has the focus). */
  async addEntry(label: string): Promise<TimelineEntryRow> {
    await this.addButton().click();
    const count = await this.entries.count();
    const row = this.entry(count);
    await row.dateField().pressSequentially(label);
    return row;
  }
}

export class TimelineEntryRow {
  constructor(
    private readonly page: Page,
    readonly item: Locator,
    readonly number: number,
  ) {}

  dateField(): Locator {
    return this.item.getByLabel(`Entry ${this.number} date`, { exact: true });
  }

  /** The entry's text: a rich-text field with citation chips. */
  textField(): Locator {
    return this.item.getByRole('textbox', { name: `Entry ${this.number} text`, exact: true });
  }

  /** How the date was read: "1950/1953 — year range", or why it cannot be read. */
  reading(): Locator {
    return this.item.locator('.date-reading');
  }

  /** The field's problem from the model check (an empty date). */
  problem(): Locator {
    return this.item.locator('.field-problem');
  }

  /** The out-of-date-order marker, with what the entry contradicts. */
  orderMarker(): Locator {
    return this.item.locator('.order-problem');
  }

  dragHandle(): Locator {
    return this.item.getByRole('button', { name: `Reorder entry ${this.number}` });
  }

  button(name: 'Move up' | 'Move down' | 'Add below' | 'Delete'): Locator {
    return this.item.getByRole('button', { name: new RegExp(`^${name}\\b`) });
  }

  /**
   * Moves the entry `places` up or down from the keyboard: Space on its handle picks it up, each
   * arrow carries it one place (waiting, as a person would, until the place is announced and the
   * rows have moved aside), Space drops it.
   */
  async carryByKeyboard(direction: 'up' | 'down', places: number): Promise<void> {
    await this.dragHandle().focus();
    await this.page.keyboard.press('Space');
    await this.item.and(this.page.locator('.dragging')).waitFor();
    for (let step = 1; step <= places; step++) {
      await this.page.keyboard.press(direction === 'up' ? 'ArrowUp' : 'ArrowDown');
      const position = direction === 'up' ? this.number - step : this.number + step;
      await this.page.getByText(new RegExp(`is over position ${position}\\.$`)).waitFor({ state: 'attached' });
      // The rows slide aside (200 ms) before the next key, as a person's pace allows.
      await this.page.waitForTimeout(300);
    }
    await this.page.keyboard.press('Space');
  }

  /** Drags the entry by its handle onto `target`, in small steps as a hand does. */
  async dragTo(target: TimelineEntryRow): Promise<void> {
    const from = await this.dragHandle().boundingBox();
    const to = await target.item.boundingBox();
    if (!from || !to) throw new Error('the entries are not on screen');
    const mouse = this.page.mouse;
    await mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await mouse.down();
    const below = to.y > from.y;
    await mouse.move(from.x + from.width / 2, to.y + (below ? to.height * 0.75 : to.height * 0.25), { steps: 12 });
    await mouse.up();
  }
}
