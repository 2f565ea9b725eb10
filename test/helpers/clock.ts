/** A test clock, free of vitest so that scripts (the long fuzz run) can use it too. */

/** A clock that starts at `start` and moves one second each time it is read. */
export function tickingClock(start = '2026-11-28T10:00:00.000Z'): () => Date {
  let time = new Date(start).getTime();
  return () => {
    const now = new Date(time);
    time += 1000;
    return now;
  };
}
