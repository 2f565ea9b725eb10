// subscribeToEvents over a stand-in EventSource: a stream the browser gave up on is opened again
// after a growing pause, events from it reach the page, and stopping ends it all.
import { describe, expect, it } from 'vitest';
import { subscribeToEvents, type EventSourceLike } from '../shared/http-client';

type Listener = (event: { data?: unknown }) => void;

class StandInEventSource implements EventSourceLike {
  static opened: StandInEventSource[] = [];
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    StandInEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  emit(type: string, data?: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(data === undefined ? {} : { data: JSON.stringify(data) });
  }

  /** The browser gives up on the stream (readyState CLOSED), as after a refusal. */
  giveUp(): void {
    this.readyState = 2;
    this.emit('error');
  }
}

describe('the event subscription', () => {
  it('opens a stream the browser gave up on again, after 1, 2, 5 and then 10 s, and stops when told', () => {
    StandInEventSource.opened = [];
    const scheduled: { delay: number; work: () => void; cancelled: boolean }[] = [];
    const received: string[] = [];
    let opens = 0;
    const stop = subscribeToEvents({
      url: 'http://127.0.0.1:1/api/events',
      token: 'secret',
      EventSource: StandInEventSource,
      onEvent: (event) => received.push(event.type),
      onOpen: () => opens++,
      schedule: (work, delay) => {
        const entry = { delay, work, cancelled: false };
        scheduled.push(entry);
        return () => (entry.cancelled = true);
      },
    });
    expect(StandInEventSource.opened[0]?.url).toBe('http://127.0.0.1:1/api/events?token=secret');

    // A break the browser retries by itself (readyState CONNECTING) is left to the browser.
    const first = StandInEventSource.opened[0];
    if (!first) throw new Error('no stream opened');
    first.readyState = 0;
    first.emit('error');
    expect(scheduled).toHaveLength(0);

    for (const expected of [1_000, 2_000, 5_000, 10_000, 10_000]) {
      StandInEventSource.opened.at(-1)?.giveUp();
      expect(scheduled.at(-1)?.delay).toBe(expected);
      scheduled.at(-1)?.work();
    }
    expect(StandInEventSource.opened).toHaveLength(6);

    // Once open again, the pauses start over, and events arrive from the new stream only.
    const latest = StandInEventSource.opened.at(-1);
    latest?.emit('open');
    expect(opens).toBe(1);
    first.emit('rules-changed', { type: 'rules-changed' });
    latest?.emit('rules-changed', { type: 'rules-changed' });
    expect(received).toEqual(['rules-changed']);
    latest?.giveUp();
    expect(scheduled.at(-1)?.delay).toBe(1_000);

    stop();
    expect(scheduled.at(-1)?.cancelled).toBe(true);
    expect(latest?.closed).toBe(true);
  });
});
