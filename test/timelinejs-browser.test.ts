// The TimelineJS export loaded into the real TimelineJS (node_modules/@knight-lab/timelinejs/dist)
// in headless Chromium: every event must become a slide, dated and labelled as the story says, and
// nothing the story carries may run as script.
//
// Offline by construction. Every request the page makes goes through page.route: TimelineJS's own
// files are served from node_modules under a made-up origin, anything else is aborted and recorded,
// and the tests fail if there was any. TimelineJS is told not to need the network either:
// - `script_path` points at the local origin (by default it is the Knight Lab CDN, where it would
//   look for locale files and font CSS);
// - `language: 'en'` is built into timeline.js, so no locale file is fetched at all;
// - `font: null` loads no font CSS (the default, font.default.css, pulls PT Sans and PT Serif from
//   fonts.gstatic.com); the icon font timeline.css names is served locally with the CSS;
// - no `ga_measurement_id` (no Google Analytics), no `soundcite`, no media on any slide (media
//   types fetch embeds and oEmbed data), `hash_bookmark: false` (the page URL is left alone).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Route } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTimelineJs, type TimelineJsDate, type TimelineJsDocument, type TimelineJsEvent } from '../shared/interchange';
import type { Story, TimelineEntry } from '../shared/model';
import { launchChromium } from './helpers/browser';
import { sampleStory } from './helpers/library';
import { cite, publishableSample, text } from './helpers/stories';

const projectRoot = path.join(import.meta.dirname, '..');
const DIST = path.join(projectRoot, 'node_modules', '@knight-lab', 'timelinejs', 'dist');
/** A made-up origin that page.route answers; `.invalid` can never resolve to a real host. */
const ORIGIN = 'https://timelinejs.invalid';

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS export</title>
<link rel="stylesheet" href="/css/timeline.css">
<script src="/js/timeline.js"></script>
</head>
<body style="margin: 0">
<div id="timeline" style="width: 1200px; height: 700px"></div>
</body>
</html>`;

const TIMELINE_OPTIONS = {
  script_path: `${ORIGIN}/js/`,
  language: 'en',
  font: null,
  theme: null,
  ga_measurement_id: null,
  soundcite: false,
  hash_bookmark: false,
};

/** What the tests read from the page's globals (this project type-checks without the DOM library). */
interface TimelineInstance {
  on(event: string, handler: () => void): void;
  config: { events: { unique_id: string; start_date: TimelineJsDateObject; end_date?: TimelineJsDateObject }[] };
}
interface TimelineJsDateObject {
  data: { date_obj: { getFullYear(): number; getMonth(): number; getDate(): number } };
}
interface PageGlobals {
  TL: { Timeline: new (container: string, data: TimelineJsDocument, options: object) => TimelineInstance };
  storydeskTimeline?: TimelineInstance;
  /** Set by the hostile strings' payloads if any of them ever runs. */
  pwned?: string;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

interface OfflinePage {
  page: Page;
  /** Every URL the page asked for. */
  requests: string[];
  /** Those that would have left the page, aborted. */
  blocked: string[];
  errors: string[];
}

async function serveLocally(route: Route, offline: OfflinePage): Promise<void> {
  const url = new URL(route.request().url());
  offline.requests.push(url.href);
  if (url.origin !== ORIGIN) {
    offline.blocked.push(url.href);
    await route.abort('blockedbyclient');
    return;
  }
  if (url.pathname === '/') {
    await route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE_HTML });
    return;
  }
  const file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname)));
  if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    await route.fulfill({ status: 404, body: 'not found' });
    return;
  }
  await route.fulfill({ path: file });
}

async function openOfflinePage(): Promise<OfflinePage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const offline: OfflinePage = { page, requests: [], blocked: [], errors: [] };
  page.on('pageerror', (error) => offline.errors.push(error.message));
  await page.route('**/*', (route) => serveLocally(route, offline));
  await page.goto(`${ORIGIN}/`);
  return offline;
}

/** Builds the timeline and waits for TimelineJS's `loaded` event (slider and navigation drawn). */
async function renderTimeline(page: Page, data: TimelineJsDocument): Promise<void> {
  await page.evaluate(
    ({ data: timelineData, options }) =>
      new Promise<void>((resolve, reject) => {
        const page = globalThis as unknown as PageGlobals;
        const timeline = new page.TL.Timeline('timeline', timelineData, options);
        page.storydeskTimeline = timeline;
        timeline.on('loaded', () => resolve());
        setTimeout(() => reject(new Error('TimelineJS did not finish loading within 10 s')), 10_000);
      }),
    { data, options: TIMELINE_OPTIONS },
  );
}

interface RenderedSlide {
  id: string;
  date: string;
  headline: string;
  text: string;
}

/** The event slides TimelineJS drew (the title slide apart), in its order. */
async function eventSlides(page: Page): Promise<RenderedSlide[]> {
  return page.locator('#timeline .tl-slide:not(.tl-slide-titleslide)').evaluateAll((elements) =>
    elements.map((element) => ({
      id: element.id,
      date: element.querySelector('.tl-headline-date')?.textContent ?? '',
      headline: element.querySelector('.tl-headline')?.textContent ?? '',
      text: element.querySelector('.tl-text-content')?.textContent ?? '',
    })),
  );
}

/** The dates TimelineJS made of each event, [year, month, day] (of its JavaScript Date), by event id. */
async function datesTimelineJsRead(page: Page): Promise<Record<string, { start: number[]; end: number[] | null }>> {
  return page.evaluate(() => {
    const timeline = (globalThis as unknown as PageGlobals).storydeskTimeline;
    const parts = (date: TimelineJsDateObject) => [date.data.date_obj.getFullYear(), date.data.date_obj.getMonth() + 1, date.data.date_obj.getDate()];
    return Object.fromEntries(
      (timeline?.config.events ?? []).map((event) => [event.unique_id, { start: parts(event.start_date), end: event.end_date ? parts(event.end_date) : null }]),
    );
  });
}

/** A TimelineJS date as the JavaScript Date it becomes: month and day default to the first. */
const dateParts = (date: TimelineJsDate): number[] => [date.year, date.month ?? 1, date.day ?? 1];

/** Text of an HTML fragment without entities (the exports use only the five of escapeHtml). */
function textOf(html: string): string {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  return html.replace(/<[^>]*>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
}

async function expectNothingLeftThePage(offline: OfflinePage): Promise<void> {
  expect(offline.blocked, 'requests that would have left the page').toEqual([]);
  expect(offline.requests.every((url) => url.startsWith(`${ORIGIN}/`))).toBe(true);
  expect(offline.errors, 'errors thrown in the page').toEqual([]);
  await offline.page.close();
}

// ---------------------------------------------------------------------------------------------
// Stories
// ---------------------------------------------------------------------------------------------

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August'];

/**
 * Thirty entries of every precision, with distinct start dates, in a scrambled manual order:
 * TimelineJS must still draw one slide each, in date order.
 */
function storyWithThirtyEntries(): Story {
  const story = publishableSample();
  const sources = story.sources.map((source) => source.id);
  const entries: TimelineEntry[] = [];
  const add = (label: string, edtf: string) => {
    const number = entries.length;
    entries.push({ id: `entry-${number}`, date: { label, edtf }, body: [text(`Event ${number} happened`), cite(sources[number % sources.length] ?? ''), text('.')] });
  };
  for (let day = 1; day <= 10; day += 1) add(`Mar ${day}, 2021`, `2021-03-${String(day).padStart(2, '0')}`);
  MONTHS.forEach((month, index) => add(`${month} 2019`, `2019-${String(index + 1).padStart(2, '0')}`));
  for (let year = 1960; year <= 1972; year += 3) add(String(year), String(year));
  for (const start of [1900, 1910, 1920]) add(`${start}–${start + 5}`, `${start}/${start + 5}`);
  add('Late 2010', '2010-41');
  add('Late 2011', '2011-41');
  add('Winter 2015', '2015-24');
  add('Spring 2016', '2016-21');
  // Every seventh entry first, and so on: a manual order that is no date order.
  story.timeline = entries.map((_, index) => entries[(index * 7) % entries.length]!);
  return story;
}

const PAYLOAD = '<img src=x onerror="globalThis.pwned=\'img\'"><script>globalThis.pwned=\'script\'</script>';

/** Hostile strings where TimelineJS inserts HTML: the label, the body, the title, the dek, a source address. */
function hostileStory(): Story {
  const story = sampleStory();
  story.title = `Title ${PAYLOAD}`;
  story.dek = `Dek ${PAYLOAD} & more`;
  story.sources[0]!.URL = "javascript:globalThis.pwned='link'";
  story.timeline = [
    { id: 'hostile-label', date: { label: `2024 ${PAYLOAD}`, edtf: '2024' }, body: [text(`Body ${PAYLOAD}`), cite('src-2026-02-02')] },
    { id: 'hostile-body', date: { label: 'R&D <b>day</b>', edtf: '2025-12-04' }, body: [text('www.example.com\'onmouseover="globalThis.pwned=1" https://x.example/"a')] },
  ];
  return story;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

function expectSlidesMatchEvents(slides: RenderedSlide[], events: TimelineJsEvent[], story: Story): void {
  const labels = new Map(story.timeline.map((entry) => [entry.id, entry.date.label]));
  const byId = new Map(events.map((event) => [event.unique_id, event]));
  expect(slides.map((slide) => slide.id).sort()).toEqual(events.map((event) => event.unique_id).sort());
  for (const slide of slides) {
    expect(slide.date, `the date of ${slide.id}`).toBe(labels.get(slide.id));
    expect(slide.text, `the text of ${slide.id}`).toBe(textOf(byId.get(slide.id)?.text.text ?? ''));
  }
}

describe('the TimelineJS export in TimelineJS 3.9', () => {
  it('draws every entry of the sample as a slide, with its label, text and dates', async () => {
    const story = publishableSample();
    const { data, skipped } = toTimelineJs(story);
    expect(skipped).toEqual([]);
    const offline = await openOfflinePage();
    await renderTimeline(offline.page, data);

    const slides = await eventSlides(offline.page);
    expect(slides).toHaveLength(story.timeline.length);
    // The sample runs oldest first, so TimelineJS's date order is the story's order.
    expect(slides.map((slide) => slide.id)).toEqual(story.timeline.map((entry) => entry.id));
    expectSlidesMatchEvents(slides, data.events, story);
    expect(slides[0]?.date).toBe('1950\u201153');
    expect(slides[2]?.date).toBe('Late\u202f2024');
    expect(slides[0]?.text).toMatch(/current cooperation talks\[4\]\.$/);
    await expect(offline.page.locator('#timeline .tl-slide-titleslide .tl-headline').textContent()).resolves.toBe(story.title);
    await expect(offline.page.locator('#timeline .tl-timemarker').count()).resolves.toBe(story.timeline.length);
    await expect(offline.page.locator('#timeline .tl-slide a[href="https://news.example/src-2026-01-13"]').count()).resolves.toBe(2);

    const dates = await datesTimelineJsRead(offline.page);
    expect(dates['timeline-1950-1953']).toEqual({ start: [1950, 1, 1], end: [1953, 1, 1] });
    expect(dates['timeline-2010']).toEqual({ start: [2010, 1, 1], end: null });
    expect(dates['timeline-2024-late']).toEqual({ start: [2024, 7, 1], end: [2024, 12, 1] });
    expect(dates['timeline-2025-12-04']).toEqual({ start: [2025, 12, 4], end: null });
    await expectNothingLeftThePage(offline);
  });

  it('draws thirty entries of every precision as thirty slides, in date order', async () => {
    const story = storyWithThirtyEntries();
    const { data, skipped } = toTimelineJs(story);
    expect(skipped).toEqual([]);
    expect(data.events).toHaveLength(30);
    const offline = await openOfflinePage();
    await renderTimeline(offline.page, data);

    const slides = await eventSlides(offline.page);
    expect(slides).toHaveLength(30);
    expectSlidesMatchEvents(slides, data.events, story);
    const byStart = [...data.events].sort((a, b) => {
      const [first, second] = [dateParts(a.start_date), dateParts(b.start_date)];
      return (first[0]! - second[0]!) || (first[1]! - second[1]!) || (first[2]! - second[2]!);
    });
    expect(slides.map((slide) => slide.id)).toEqual(byStart.map((event) => event.unique_id));
    await expect(offline.page.locator('#timeline .tl-timemarker').count()).resolves.toBe(30);

    const dates = await datesTimelineJsRead(offline.page);
    for (const event of data.events) {
      expect(dates[event.unique_id], event.display_date).toEqual({
        start: dateParts(event.start_date),
        end: event.end_date === undefined ? null : dateParts(event.end_date),
      });
    }
    await expectNothingLeftThePage(offline);
  });

  it('shows hostile labels, bodies and titles as text, and runs none of them', async () => {
    const story = hostileStory();
    const { data } = toTimelineJs(story);
    const offline = await openOfflinePage();
    await renderTimeline(offline.page, data);

    const slides = await eventSlides(offline.page);
    expect(slides.map((slide) => slide.date)).toEqual([`2024 ${PAYLOAD}`, 'R&D <b>day</b>']);
    expect(slides[0]?.text).toBe(`Body ${PAYLOAD}[1]`);
    expect(slides[1]?.text).toBe('www.example.com\'onmouseover="globalThis.pwned=1" https://x.example/"a');
    await expect(offline.page.locator('#timeline .tl-slide-titleslide .tl-headline').textContent()).resolves.toBe(story.title);
    await expect(offline.page.locator('#timeline .tl-slide-titleslide .tl-text-content').textContent()).resolves.toBe(story.dek);
    await expect(offline.page.locator('#timeline img, #timeline script, #timeline b, #timeline [onerror], #timeline [onmouseover]').count()).resolves.toBe(0);
    await expect(offline.page.locator('#timeline a[href^="javascript:"]').count()).resolves.toBe(0);
    await expect(offline.page.evaluate(() => (globalThis as unknown as PageGlobals).pwned ?? null)).resolves.toBeNull();
    expect(offline.requests.filter((url) => url === `${ORIGIN}/x`)).toEqual([]);
    await expectNothingLeftThePage(offline);
  });
});
