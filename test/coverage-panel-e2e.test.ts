// The coverage panel and the page preview beside the story editor, as an editor meets them in
// browser mode (the built UI, the real server, a fresh library per test, headless Chromium): the
// figures follow the typing, a finding shows its place, the preview follows the typing without
// losing the reader's place and scrolls to the part being edited. Afterwards no console error and
// no Content-Security-Policy violation may have happened.
import { describe, expect, it } from 'vitest';
import { sampleStory } from './helpers/library';
import { CoveragePanelView, PagePreview, sectionBody, selectedText } from './e2e/coverage';
import { workbenchSession } from './e2e/session';
import type { WorkbenchPage } from './e2e/workbench';

const SAMPLE = sampleStory();
const UNCITED = 'Nobody has said when the next round will be held.';

const session = workbenchSession();

/** A fresh library with the sample story open, the page preview shown beside it. */
async function openSample(): Promise<{ tab: WorkbenchPage; coverage: CoveragePanelView; preview: PagePreview }> {
  const tab = await session.open();
  await tab.page.setViewportSize({ width: 1400, height: 1000 });
  await tab.library.open(SAMPLE.title);
  const preview = new PagePreview(tab.page);
  await expect.poll(() => preview.frame.locator('h1').first().textContent(), { timeout: 10_000 }).toBe(SAMPLE.title);
  return { tab, coverage: new CoveragePanelView(tab.page), preview };
}

/** Types at the very end of section `number`'s text. */
async function typeAtEndOfSection(page: WorkbenchPage['page'], number: number, text: string): Promise<void> {
  const body = sectionBody(page, number);
  await body.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

function sectionId(index: number): string {
  const section = SAMPLE.sections[index];
  if (!section) throw new Error(`the sample has no section ${index + 1}`);
  return section.id;
}

// Browser tests wait on a busy 2-core machine; each gets a minute.
describe('the coverage panel', { timeout: 60_000 }, () => {
  it('shows the sample’s figures and findings grouped by severity, blockers open', async () => {
    const { coverage } = await openSample();
    expect(await coverage.figure('Sentences cited').textContent()).toBe('15/15');
    expect(await coverage.figure('Paragraphs cited').textContent()).toBe('5/5');
    expect(await coverage.figure('Timeline entries cited').textContent()).toBe('9/9');
    expect(await coverage.figure('Sources cited').textContent()).toBe('6/6');
    expect(await coverage.figure('Timeline order').textContent()).toBe('In order (oldest first)');
    expect(await coverage.figure('Largest source share').textContent()).toMatch(/^\[1\] \d+% \(\d+ of \d+\)$/);
    expect(await coverage.region.locator('.counts').textContent()).toContain('18 blockers');
    // Blockers are open and list every one; warnings and notes wait to be opened.
    expect(await coverage.group('Blockers').getAttribute('open')).not.toBeNull();
    expect(await coverage.findings('Blockers').count()).toBe(18);
    expect(await coverage.group('Warnings').getAttribute('open')).toBeNull();
    expect(await coverage.findings('Warnings').count()).toBe(0);
    await coverage.openGroup('Warnings');
    expect(await coverage.findings('Warnings').count()).toBeGreaterThan(0);
  });

  it('counts a sentence typed without a citation within a second, and selects that sentence from its finding', async () => {
    const { tab, coverage } = await openSample();
    await typeAtEndOfSection(tab.page, 2, ` ${UNCITED}`);
    await expect.poll(() => coverage.figure('Sentences cited').textContent(), { timeout: 1_000, interval: 50 }).toBe('15/16');
    const finding = coverage.finding(UNCITED);
    expect(await finding.textContent()).toContain('Section 2');
    // Typing earlier in the paragraph moves the sentence: its finding follows it.
    await tab.page.keyboard.press('Control+Home');
    await tab.page.keyboard.type('Meanwhile, ');
    await expect.poll(() => tab.story.preview().locator(`#section-${sectionId(1)}`).textContent(), { timeout: 2_000 }).toContain('Meanwhile, ');

    // From the keyboard: Tab reaches the finding's button, Enter shows the sentence selected.
    await coverage.findings('Blockers').first().focus();
    for (let step = 0; step < 40 && !(await finding.evaluate((button) => button === (button.ownerDocument as { activeElement: unknown }).activeElement)); step++) {
      await tab.page.keyboard.press('Tab');
    }
    await tab.page.keyboard.press('Enter');
    await expect.poll(() => selectedText(tab.page)).toBe(UNCITED);
    expect(await sectionBody(tab.page, 2).evaluate((body) => body.contains((body.ownerDocument as unknown as { activeElement: typeof body }).activeElement))).toBe(true);
    expect(await coverage.notice().textContent()).toBe('');

    // Deleting the selected sentence takes the figure back.
    await tab.page.keyboard.press('Backspace');
    await expect.poll(() => coverage.figure('Sentences cited').textContent(), { timeout: 1_000, interval: 50 }).toBe('15/15');
  });

  it('shows each finding’s place when the editor shows that part, and says so when nothing on screen can', async () => {
    const { tab, coverage } = await openSample();
    await coverage.openGroup('Notes');
    const findings = coverage.region.locator('button.finding');
    const count = await findings.count();
    expect(count).toBeGreaterThan(0);
    for (let index = 0; index < count; index++) {
      const finding = findings.nth(index);
      const place = (await finding.locator('.place').textContent()) ?? '';
      await tab.page.locator('body').focus();
      await finding.click();
      // Either the editor took the focus to the place (into the story's fields), or the notice
      // names the place it could not show; never neither.
      await expect
        .poll(async () => {
          const notice = (await coverage.notice().textContent()) ?? '';
          if (notice !== '') return notice.startsWith(`${place} cannot be shown`) ? 'said' : `wrong notice: ${notice}`;
          const focused = await tab.page.evaluate(() => {
            const { document } = globalThis as unknown as { document: { activeElement: { closest(selector: string): unknown } | null } };
            return document.activeElement?.closest('.story-edit') != null;
          });
          return focused ? 'shown' : 'neither';
        })
        .toMatch(/^(said|shown)$/);
    }
  });

  it('lists the first 50 findings of a long group until asked for all, and takes a timeline finding to its entry', async () => {
    const { service } = await session.library();
    const created = await service.createStory({ title: 'Sixty dates', feed: 'World' });
    const timeline = Array.from({ length: 60 }, (_, index) => ({
      id: `entry-${index + 1}`,
      date: { label: String(1950 + index) },
      body: [{ type: 'text' as const, text: `Something happened in ${1950 + index}.` }],
    }));
    await service.saveStory({ story: { ...created, timeline }, baseRevision: created.revision });
    const tab = await session.open();
    await tab.page.setViewportSize({ width: 1400, height: 1000 });
    await tab.library.open('Sixty dates');
    const coverage = new CoveragePanelView(tab.page);
    await expect.poll(() => coverage.figure('Timeline entries cited').textContent()).toBe('0/60');
    const blockers = await coverage.group('Blockers').locator('summary').textContent();
    const total = Number(/\((\d+)\)/.exec(blockers ?? '')?.[1]);
    expect(total).toBeGreaterThanOrEqual(60);
    expect(await coverage.findings('Blockers').count()).toBe(50);
    const showAll = coverage.group('Blockers').getByRole('button', { name: `Show all ${total}` });
    await showAll.focus();
    await tab.page.keyboard.press('Enter');
    await expect.poll(() => coverage.findings('Blockers').count()).toBe(total);

    // The last entry's finding, far down the list: its entry in the editor gets the focus.
    await coverage.finding('Timeline entry 60 «2009»').click();
    const row = tab.story.pane.locator('li', { has: tab.page.getByLabel('Entry 60 date', { exact: true }) }).last();
    await expect
      .poll(() => row.evaluate((item) => item.contains((item.ownerDocument as unknown as { activeElement: typeof item }).activeElement)))
      .toBe(true);
    expect(await coverage.notice().textContent()).toBe('');
  });

  it('has no serious or critical accessibility problem, in light and in dark', async () => {
    const { tab, coverage } = await openSample();
    await typeAtEndOfSection(tab.page, 1, ` ${UNCITED}`);
    await coverage.finding(UNCITED).waitFor();
    await coverage.openGroup('Warnings');
    await coverage.openGroup('Notes');
    expect(await coverage.accessibilityProblems()).toEqual([]);
  });
});

describe('the page preview', { timeout: 60_000 }, () => {
  it('runs no script, and follows the typing in place without losing the reader’s scroll position', async () => {
    const { tab, preview } = await openSample();
    // Same origin so the workbench may lay new pages into it; no scripts.
    expect(await preview.frameElement.getAttribute('sandbox')).toBe('allow-same-origin');
    const second = sectionId(1);
    await preview.scrollToAnchor(`section-${second}`);
    const before = await preview.scrollTop();
    expect(before).toBeGreaterThan(100);
    // The frame is not reloaded: a mark left in its document stays.
    await preview.frameElement.evaluate((frame) => {
      (frame as unknown as { contentDocument: { documentElement: { dataset: Record<string, string> } } }).contentDocument.documentElement.dataset.mark = 'kept';
    });

    await typeAtEndOfSection(tab.page, 2, ` ${UNCITED}`);
    await expect.poll(() => preview.sectionText(second), { timeout: 2_000 }).toContain(UNCITED);
    expect(await preview.scrollTop()).toBe(before);
    expect(await preview.frame.locator('html').getAttribute('data-mark')).toBe('kept');
  });

  it('scrolls to the section, or the timeline entry, being edited when it is out of view', async () => {
    const { tab, preview } = await openSample();
    const last = sectionId(SAMPLE.sections.length - 1);
    expect(await preview.showsAnchor(`section-${last}`)).toBe(false);
    await typeAtEndOfSection(tab.page, SAMPLE.sections.length, ' More.');
    await expect.poll(() => preview.showsAnchor(`section-${last}`), { timeout: 3_000 }).toBe(true);

    // Back to the top of the page, then into the first section's text: the preview goes there.
    const first = sectionId(0);
    await preview.scrollToAnchor(`entry-${SAMPLE.timeline.at(-1)?.id}`);
    expect(await preview.showsAnchor(`section-${first}`)).toBe(false);
    await sectionBody(tab.page, 1).click();
    await expect.poll(() => preview.showsAnchor(`section-${first}`), { timeout: 3_000 }).toBe(true);

    // A timeline entry's date field.
    const entry = SAMPLE.timeline[0];
    if (!entry) throw new Error('the sample has a timeline');
    expect(await preview.showsAnchor(`entry-${entry.id}`)).toBe(false);
    await tab.story.pane.getByLabel('Entry 1 date', { exact: true }).focus();
    await expect.poll(() => preview.showsAnchor(`entry-${entry.id}`), { timeout: 3_000 }).toBe(true);
  });
});
