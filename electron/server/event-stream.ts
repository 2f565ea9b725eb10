/**
 * Server-Sent Events for browser mode: each open page holds one `GET /api/events` stream and
 * receives every ServerEvent as `event: <type>` with the event as JSON in `data:`. A comment
 * line every heartbeat keeps the connection alive through idle periods and finds dead clients;
 * a client that stops reading is dropped rather than buffered for without end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerEvent } from '../../shared/http-client';
import type { ServerEvents } from './events';

export interface EventStreamOptions {
  heartbeatMs: number;
  maxStreams: number;
  /** Extra response headers (the server's security headers). */
  headers: Record<string, string>;
}

/** Bytes a stream may have waiting to be sent before its client counts as stalled. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** How long an EventSource waits before it reconnects after a break. */
const RETRY_MS = 2000;

export interface EventStreams {
  /** Whether another stream may open now (under the limit, not closing). */
  readonly canAccept: boolean;
  /** Turns `response` into an event stream; it stays open until the client goes or `closeAll`. */
  accept(request: IncomingMessage, response: ServerResponse): void;
  readonly openCount: number;
  /** Ends every stream and stops the heartbeat (the server is closing). */
  closeAll(): void;
}

function formatEvent(event: ServerEvent): string {
  // JSON.stringify never emits a raw newline, so `data:` stays one line.
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function createEventStreams(events: ServerEvents, options: EventStreamOptions): EventStreams {
  const streams = new Set<ServerResponse>();
  let closing = false;

  function send(response: ServerResponse, text: string): void {
    if (response.writableLength > MAX_PENDING_BYTES) {
      response.destroy();
      return;
    }
    response.write(text);
  }

  const unsubscribe = events.subscribe((event) => {
    const text = formatEvent(event);
    for (const response of streams) send(response, text);
  });
  const heartbeat = setInterval(() => {
    for (const response of streams) send(response, `: heartbeat ${new Date().toISOString()}\n\n`);
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    get canAccept() {
      return !closing && streams.size < options.maxStreams;
    },
    get openCount() {
      return streams.size;
    },
    accept(request, response) {
      // The stream is meant to sit idle between events: the heartbeat, not the idle timeout,
      // tells whether the client is still there.
      request.socket.setTimeout(0);
      request.socket.setKeepAlive(true, options.heartbeatMs);
      response.writeHead(200, {
        ...options.headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        // The connection belongs to this stream: when the stream ends, so does the connection,
        // and a closing server does not wait for it to idle out.
        Connection: 'close',
        'X-Accel-Buffering': 'no',
      });
      response.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      streams.add(response);
      const forget = () => streams.delete(response);
      response.on('close', forget);
      request.on('close', forget);
    },
    closeAll() {
      closing = true;
      clearInterval(heartbeat);
      unsubscribe();
      for (const response of streams) response.end();
      streams.clear();
    },
  };
}
