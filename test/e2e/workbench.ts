/**
 * Page objects for the workbench in browser mode: what an editor sees and does, named as they
 * would name it. Tests drive the UI only through these, so a change of markup is mended here once.
 *
 * `startWorkbench` gives each test its own library folder and server; `WorkbenchPage` is one tab.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Download, Locator, Page } from '@playwright/test';
import type { ApiHandlers } from '../../shared/api';
import { StorydeskError } from '../../shared/errors';
import { openLibraryService } from '../../electron/library';
import { createBrowserServer, type BrowserServer } from '../../electron/server/http';
import type { LibraryStore } from '../../electron/store/store';
import { freshLibraryPath } from '../helpers/library';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STATIC_ROOT = path.join(PROJECT_ROOT, 'dist', 'renderer');

/** Collects CSP violations in the page itself, where they happen, before any of its scripts run. */
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || '(inline)'));
  });
`;

// ---------------------------------------------------------------------------------------------
// A library and its browser-mode server, fresh for each test.

export interface Workbench {
  store: LibraryStore;
  service: ApiHandlers;
  server: BrowserServer;
  /** Makes the service's saves fail (as a full disk would) until set back to false. */
  failSaves: { on: boolean };
  /** Opens a new tab (its own browser context: own storage, as another window would be). */
  openPage(): Promise<WorkbenchPage>;
  close(): Promise<void>;
}

export async function startWorkbench(browser: Browser): Promise<Workbench> {
  const { store, service } = openLibraryService(freshLibraryPath(), { author: 'Editor' });
  const failSaves = { on: false };
  const failing: ApiHandlers = {
    ...service,
    saveStory: (request) => (failSaves.on ? Promise.reject(new StorydeskError('library-unusable', 'the disk is full (simulated)')) : service.saveStory(request)),
  };
  const server = await createBrowserServer({ service: failing, staticRoot: STATIC_ROOT, log: () => undefined });
  const contexts: BrowserContext[] = [];
  return {
    store,
    service,
    server,
    failSaves,
    async openPage() {
      const context = await browser.newContext({ acceptDownloads: true });
      contexts.push(context);
      await context.addInitScript(RECORD_CSP_VIOLATIONS);
      const page = await context.newPage();
      const workbench = new WorkbenchPage(page);
      await page.goto(server.pageUrl);
      await workbench.library.list.waitFor();
      return workbench;
    },
    async close() {
      for (const context of contexts) await context.close();
      await server.close();
      store.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One tab of the workbench.

/** What the drag-and-drop and clipboard helpers use in the page, typed as far as they use it. */
interface PageGlobals {
  DataTransfer: new () => { items: { add(file: File): void } };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
}

export class WorkbenchPage {
  readonly library: LibraryPanel;
  readonly story: StoryPanel;
  /** Console errors and uncaught exceptions, which no test expects. */
  readonly problems: string[] = [];
  /**
   * Calls that failed as a test meant them to (a conflict, a blocked publish, a damaged file, a
   * dropped connection): Chromium logs each as a console error, but the page handles them and
   * tells the editor, which is what tests check.
   */
  readonly failedCalls: string[] = [];

  constructor(readonly page: Page) {
    this.library = new LibraryPanel(page);
    this.story = new StoryPanel(page);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (/^Failed to load resource: (the server responded with a status of [45]\d\d|net::ERR_INTERNET_DISCONNECTED)/.test(message.text())) this.failedCalls.push(message.text());
      else this.problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
  }

  notices(): Locator {
    return this.page.locator('.notice');
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  /** A modal dialog by its title. */
  dialog(title: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name: title });
  }

  async openExportDialog(): Promise<ExportDialog> {
    await this.page.getByRole('toolbar', { name: 'Library commands' }).getByRole('button', { name: 'Export…' }).click();
    return this.exportDialog();
  }

  /** The export dialog, once something (a button, a shortcut) has opened it. */
  async exportDialog(): Promise<ExportDialog> {
    const dialog = this.dialog('Export');
    await dialog.waitFor();
    return new ExportDialog(this.page, dialog);
  }

  async openImportDialog(): Promise<ImportDialog> {
    await this.page.getByRole('toolbar', { name: 'Library commands' }).getByRole('button', { name: 'Import…' }).click();
    return new ImportDialog(this.dialog('Import'));
  }

  async openHistory(): Promise<HistoryDialog> {
    await this.story.pane.getByRole('button', { name: 'History', exact: true }).click();
    const dialog = new HistoryDialog(this.page.getByRole('dialog', { name: /^History of/ }), this.page);
    await dialog.revisions.waitFor();
    return dialog;
  }

  /** Presses a shortcut as the editor would (Control on Linux). */
  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /** axe-core's serious and critical violations in light and in dark, excluding the preview frames (the exported page has its own tests). */
  async accessibilityProblems(): Promise<string[]> {
    return axeProblems(this.page, (builder) => builder.exclude('iframe'));
  }

  /**
   * Back online after edits made offline while another tab saved: waits for the conflict banner,
   * trying the save at once rather than waiting for the next retry.
   */
  async backOnlineToConflict(): Promise<void> {
    await this.page.context().setOffline(false);
    const tryAgain = this.story.pane.getByRole('button', { name: 'Try again now' });
    await this.story.conflictBanner().or(tryAgain).first().waitFor();
    if (await tryAgain.isVisible()) await tryAgain.click();
    await this.story.conflictBanner().waitFor();
  }
}

/**
 * axe-core's serious and critical violations, in light and in dark, as lines a failing test
 * prints: "dark: color-contrast: … (selector)". `scope` narrows the scan (`include`, `exclude`).
 */
export async function axeProblems(page: Page, scope: (builder: AxeBuilder) => AxeBuilder = (builder) => builder): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await scope(new AxeBuilder({ page })).analyze();
    for (const violation of results.violations) {
      if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
      found.push(`${colorScheme}: ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

export class LibraryPanel {
  readonly list: Locator;

  constructor(private readonly page: Page) {
    this.list = page.locator('.story-list');
  }

  row(title: string): Locator {
    return this.list.locator('li.story-row', { has: this.page.locator('.story-title', { hasText: title }) });
  }

  searchBox(): Locator {
    return this.page.getByLabel('Search the library');
  }

  async search(text: string): Promise<void> {
    await this.searchBox().fill(text);
  }

  async open(title: string): Promise<void> {
    await this.row(title).locator('button.story-open').click();
    await this.page.getByRole('main', { name: 'Story' }).getByRole('heading', { level: 1, name: title }).waitFor();
  }

  async createStory(title: string, feed: string): Promise<void> {
    await this.page.getByLabel('New story title').fill(title);
    await this.page.getByLabel('New story feed').fill(feed);
    await this.page.getByRole('button', { name: 'Create' }).click();
    await this.row(title).waitFor();
  }

  async showTrash(): Promise<void> {
    await this.page.getByRole('button', { name: 'Trash', exact: true }).click();
  }

  async showStories(): Promise<void> {
    await this.page.getByRole('button', { name: 'Stories', exact: true }).click();
  }
}

export class StoryPanel {
  readonly pane: Locator;

  constructor(private readonly page: Page) {
    this.pane = page.getByRole('main', { name: 'Story' });
  }

  heading(): Locator {
    return this.pane.getByRole('heading', { level: 1 });
  }

  field(label: string): Locator {
    return this.pane.getByLabel(label, { exact: true });
  }

  /** The save indicator's words ("All changes saved", "Saving…", "Not saved yet", …). */
  saveState(): Locator {
    return this.pane.locator('.save-state');
  }

  async waitUntilSaved(): Promise<void> {
    await this.pane.locator('.save-state.save-saved').waitFor();
  }

  async setField(label: string, value: string): Promise<void> {
    await this.field(label).fill(value);
  }

  problemOf(label: string): Locator {
    return this.pane.locator('.field', { has: this.page.getByLabel(label, { exact: true }) }).locator('.field-problem');
  }

  async chooseStatus(status: 'Draft' | 'In review' | 'Published'): Promise<void> {
    await this.field('Status').selectOption({ label: status });
  }

  async chooseHeroFile(file: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.pane.getByRole('button', { name: /^(Choose|Replace) image…$/ }).click();
    await (await chooser).setFiles(file);
  }

  /** Drops an image file on the hero area, as dragging it from the desktop does. */
  // The callbacks run in the page; the tests' types have no DOM, hence `PageGlobals`.
  async dropHeroFile(name: string, mimeType: string, bytes: Buffer): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ([fileName, type, base64]) => {
        const { DataTransfer } = globalThis as unknown as PageGlobals;
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(base64), (character) => character.charCodeAt(0))], fileName, { type }));
        return transfer;
      },
      [name, mimeType, bytes.toString('base64')] as const,
    );
    await this.heroArea().dispatchEvent('drop', { dataTransfer });
  }

  /** Pastes an image into the hero area (it has the focus), as copying one from another app does. */
  async pasteHeroFile(name: string, mimeType: string, bytes: Buffer): Promise<void> {
    await this.heroArea().focus();
    await this.heroArea().evaluate(
      (area, [fileName, type, base64]) => {
        const { DataTransfer, ClipboardEvent } = globalThis as unknown as PageGlobals;
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(base64), (character) => character.charCodeAt(0))], fileName, { type }));
        (area as unknown as { dispatchEvent(event: unknown): boolean }).dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      },
      [name, mimeType, bytes.toString('base64')] as const,
    );
  }

  heroArea(): Locator {
    return this.pane.getByRole('group', { name: /^Hero image:/ });
  }

  heroImage(): Locator {
    return this.pane.locator('.hero-drop img');
  }

  preview() {
    return this.page.frameLocator('iframe[title="Page preview"]');
  }

  conflictBanner(): Locator {
    return this.pane.locator('.banner-conflict');
  }

  coverage(): Locator {
    return this.pane.getByRole('region', { name: 'Coverage' });
  }
}

export class HistoryDialog {
  readonly revisions: Locator;

  constructor(
    readonly dialog: Locator,
    private readonly page: Page,
  ) {
    this.revisions = dialog.getByRole('list', { name: 'Revisions, newest first' });
  }

  summaries(): Promise<string[]> {
    return this.revisions.locator('.revision-summary').allTextContents();
  }

  /** Views one revision read-only; returns the dialog that shows it. */
  async view(revision: number): Promise<Locator> {
    await this.revisions.getByRole('button', { name: `View revision ${revision}` }).click();
    const shown = this.page.getByRole('dialog', { name: new RegExp(`^Revision ${revision} of`) });
    await shown.waitFor();
    return shown;
  }
}

export class ExportDialog {
  constructor(
    private readonly page: Page,
    readonly dialog: Locator,
  ) {}

  async choose(label: string | RegExp): Promise<void> {
    await this.dialog.getByLabel(label).check();
  }

  /** Exports, and returns the file the browser was given to save. */
  async export(): Promise<{ download: Download; bytes: Buffer }> {
    const downloaded = this.page.waitForEvent('download');
    await this.dialog.getByRole('button', { name: /^Export( anyway)?$/ }).click();
    const download = await downloaded;
    const file = await download.path();
    return { download, bytes: fs.readFileSync(file) };
  }
}

export class ImportDialog {
  constructor(readonly dialog: Locator) {}

  /** Imports the files; `onConflict` is the label of a choice ("Keep both: import it as a copy"). */
  async importFiles(files: { name: string; mimeType: string; buffer: Buffer }[], onConflict?: string): Promise<Locator> {
    await this.dialog.getByLabel('Files to import').setInputFiles(files);
    if (onConflict) await this.dialog.getByLabel('When a story from a bundle is already in the library').selectOption({ label: onConflict });
    await this.dialog.getByRole('button', { name: /^Import/ }).click();
    const finished = this.dialog.page().getByRole('dialog', { name: 'Import finished' });
    await finished.waitFor();
    return finished;
  }
}
