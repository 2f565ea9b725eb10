/**
 * Where each kind of window opens: the size and position it had when last closed, kept per
 * window kind in `window-state.json` in the user-data folder, and put back on screen when the
 * displays changed since (a monitor unplugged, a smaller screen). The decisions are pure
 * functions over plain data (displays are passed in as rectangles), so they are tested under
 * Node; reading and writing the file are the two small functions at the end.
 */
import fs from 'node:fs';
import path from 'node:path';

export type WindowKind = 'library' | 'story';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
  fullScreen: boolean;
}

export type WindowStates = Partial<Record<WindowKind, WindowState>>;

export const WINDOW_STATE_FILE = 'window-state.json';

/** The size a window of each kind opens at the first time. */
export const DEFAULT_SIZE: Readonly<Record<WindowKind, { width: number; height: number }>> = {
  library: { width: 1280, height: 820 },
  story: { width: 1100, height: 860 },
};

/** Below this the layout (library, editor, side panel) no longer fits. */
export const MINIMUM_SIZE: Readonly<Record<WindowKind, { width: number; height: number }>> = {
  library: { width: 720, height: 480 },
  story: { width: 640, height: 480 },
};

/** How much of a window must lie on a display for it to count as reachable: enough of the title bar to grab. */
const REACHABLE = { width: 120, height: 48 };

/** How far each further story window is moved from the one before, so they do not stack exactly. */
export const CASCADE_OFFSET = 28;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

function isReachableOn(bounds: Rectangle, area: Rectangle): boolean {
  // The top strip (the title bar) must be on the display, not just any corner of the window.
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: REACHABLE.height };
  const shared = overlap(titleBar, area);
  return shared.width >= Math.min(REACHABLE.width, bounds.width) && shared.height >= Math.min(REACHABLE.height, bounds.height);
}

function centredIn(area: Rectangle, size: { width: number; height: number }): Rectangle {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: Math.round(area.x + (area.width - width) / 2),
    y: Math.round(area.y + (area.height - height) / 2),
    width,
    height,
  };
}

/** `bounds` made to fit inside `area`: shrunk if larger, then moved in. */
function fitInto(bounds: Rectangle, area: Rectangle): Rectangle {
  const width = Math.min(bounds.width, area.width);
  const height = Math.min(bounds.height, area.height);
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

function isUsableRectangle(value: Rectangle): boolean {
  return [value.x, value.y, value.width, value.height].every(Number.isFinite) && value.width > 0 && value.height > 0;
}

/**
 * Where a window opens. `saved` is where it was (or nothing the first time); `displays` are the
 * work areas of the connected displays, the primary one first. A window still reachable on some
 * display stays where it was, fitted into that display; one that is not (its display is gone)
 * opens centred on the primary display. The size never drops below the kind's minimum unless
 * the display itself is smaller.
 */
export function placeWindow(kind: WindowKind, saved: Rectangle | undefined, displays: readonly Rectangle[]): Rectangle {
  const usableDisplays = displays.filter(isUsableRectangle);
  const primary = usableDisplays[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE[kind] };
  const minimum = MINIMUM_SIZE[kind];
  if (saved && isUsableRectangle(saved)) {
    const sized = { ...saved, width: Math.max(Math.round(saved.width), minimum.width), height: Math.max(Math.round(saved.height), minimum.height) };
    const home = usableDisplays.find((area) => isReachableOn(sized, area));
    if (home) return fitInto({ ...sized, x: Math.round(sized.x), y: Math.round(sized.y) }, home);
    return centredIn(primary, { width: sized.width, height: sized.height });
  }
  return centredIn(primary, DEFAULT_SIZE[kind]);
}

/** The bounds of the `index`-th extra story window: moved down and right, back to the top-left corner when it would leave the display. */
export function cascade(bounds: Rectangle, index: number, displays: readonly Rectangle[]): Rectangle {
  if (index <= 0) return bounds;
  const area = displays.find((display) => isReachableOn(bounds, display)) ?? displays[0];
  const moved = { ...bounds, x: bounds.x + CASCADE_OFFSET * index, y: bounds.y + CASCADE_OFFSET * index };
  if (!area) return moved;
  const fits = moved.x + moved.width <= area.x + area.width && moved.y + moved.height <= area.y + area.height;
  return fits ? moved : fitInto({ ...bounds, x: area.x, y: area.y }, area);
}

function readRectangle(value: unknown): Rectangle | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { x, y, width, height } = value as Record<string, unknown>;
  if (![x, y, width, height].every((number) => typeof number === 'number' && Number.isFinite(number))) return undefined;
  const rectangle = { x: x as number, y: y as number, width: width as number, height: height as number };
  return isUsableRectangle(rectangle) ? rectangle : undefined;
}

/**
 * The window states in a file's text. Whatever cannot be read (a damaged file, a kind from a
 * newer version, a missing field) is dropped: the window then opens at its default place.
 */
export function parseWindowStates(text: string): WindowStates {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof data !== 'object' || data === null) return {};
  const states: WindowStates = {};
  for (const kind of Object.keys(DEFAULT_SIZE) as WindowKind[]) {
    const entry = (data as Record<string, unknown>)[kind];
    if (typeof entry !== 'object' || entry === null) continue;
    const bounds = readRectangle((entry as Record<string, unknown>).bounds);
    if (!bounds) continue;
    const { maximized, fullScreen } = entry as Record<string, unknown>;
    states[kind] = { bounds, maximized: maximized === true, fullScreen: fullScreen === true };
  }
  return states;
}

export function readWindowStates(folder: string): WindowStates {
  try {
    return parseWindowStates(fs.readFileSync(path.join(folder, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return {};
  }
}

/** Writes the states through a temporary file and a rename, so a crash never leaves half a file. */
export function writeWindowStates(folder: string, states: WindowStates): void {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, WINDOW_STATE_FILE);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(states, null, 2) + '\n');
  fs.renameSync(partial, file);
}
