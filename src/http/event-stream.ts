/**
 * Server-sent events (the WHATWG `text/event-stream` format): a response that stays open
 * and carries events as the app sends them. A comment line goes out every `heartbeat` ms,
 * so proxies keep the connection and the server's socket timeout (`responseTimeout`) never
 * sees it silent; a client that reconnects sends `Last-Event-ID`, which the producer reads
 * to resume; a client that leaves aborts `stream.signal`, which is where the producer
 * unsubscribes. The stream ends when the producer calls `close()` or the client leaves.
 */
import type { HttpRequest } from './request';
import { StreamingHttpResponse } from './response';

/** One event. `data` that is not a string is sent as JSON; `id` is what a reconnecting client sends back. */
export interface ServerSentEvent {
  data: unknown;
  event?: string;
  id?: string;
  /** How long the browser waits before reconnecting, in ms. */
  retry?: number;
}

export interface EventStreamOptions {
  /** A comment line this often, in ms (default 15 000: keep it below `responseTimeout`, 30 000 by default). */
  heartbeat?: number;
  /** Events kept for a client that reads slower than they come; past it the client is dropped (default 1 000). */
  maxQueued?: number;
}

/** A line-free field value: the format ends a field at CR or LF. */
function field(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** One event in the wire format: its fields, a `data:` line per line of data, a blank line. */
export function formatEvent(event: ServerSentEvent): string {
  let text = '';
  if (event.event !== undefined) text += `event: ${field(event.event)}\n`;
  if (event.id !== undefined) text += `id: ${field(event.id).replace(/\0/g, '')}\n`;
  if (event.retry !== undefined && Number.isSafeInteger(event.retry) && event.retry >= 0)
    text += `retry: ${event.retry}\n`;
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  for (const line of (data ?? '').split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** The producer's side of one open stream. */
export class EventStream implements AsyncIterator<string> {
  /** The `Last-Event-ID` the client sent (a reconnection), to resume after it. */
  readonly lastEventId: string | undefined;
  private readonly controller = new AbortController();
  private readonly queue: string[] = [];
  private waiting: { resolve: (step: IteratorResult<string>) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    request: HttpRequest,
    private readonly options: Required<EventStreamOptions>,
  ) {
    const id = request.headers.get('last-event-id');
    this.lastEventId = id === undefined || id.length > 1024 ? undefined : id;
  }

  /** Aborted when the stream ends: the client left, or `close()`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Sends one event (a string is the data of an unnamed event); false once the stream has ended. */
  send(event: ServerSentEvent | string): boolean {
    return this.push(formatEvent(typeof event === 'string' ? { data: event } : event));
  }

  /** A comment line (clients ignore it). */
  comment(text = ''): boolean {
    return this.push(`: ${field(text)}\n\n`);
  }

  /** Ends the response after what was sent. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    this.controller.abort();
    this.flush();
  }

  /** Ends the stream with `error`: the writer logs it and cuts the connection (the headers are gone). */
  fail(error: unknown): void {
    this.failure = { error };
    this.close();
  }

  /** Starts the heartbeat (the response writer calls next() once the headers are out). */
  start(): void {
    this.timer = setInterval(() => this.comment('heartbeat'), this.options.heartbeat);
    this.timer.unref();
  }

  next(): Promise<IteratorResult<string>> {
    if (this.timer === undefined && !this.ended) this.start();
    const chunk = this.queue.shift();
    if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The writer stops: the client left. */
  return(): Promise<IteratorResult<string>> {
    this.drop();
    return Promise.resolve({ value: undefined, done: true });
  }

  private drop(): void {
    this.queue.length = 0;
    this.close();
  }

  private push(chunk: string): boolean {
    if (this.ended) return false;
    if (this.queue.length >= this.options.maxQueued) {
      this.drop(); // a client this far behind would only grow the queue
      return false;
    }
    this.queue.push(chunk);
    this.flush();
    return true;
  }

  private flush(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.waiting = undefined;
      waiting.resolve({ value: chunk, done: false });
    } else if (this.ended) {
      this.waiting = undefined;
      if (this.failure === undefined) waiting.resolve({ value: undefined, done: true });
      else waiting.reject(this.failure.error);
    }
  }
}

/**
 * A `text/event-stream` response. `produce` runs once the response is being written: it
 * subscribes to what it reports and calls `stream.send()`; it unsubscribes on
 * `stream.signal`'s abort. An error it throws ends the stream.
 *
 * @example
 * @Get('/articles/<slug:slug>/live')
 * live(@Req() request: HttpRequest, @Param('slug') slug: string) {
 *   return new EventStreamResponse(request, (stream) => {
 *     const off = this.comments.onNew(slug, (comment) => stream.send({ event: 'comment', id: String(comment.id), data: comment }));
 *     stream.signal.addEventListener('abort', off);
 *   });
 * }
 */
export class EventStreamResponse extends StreamingHttpResponse {
  readonly events: EventStream;

  constructor(
    request: HttpRequest,
    produce: (stream: EventStream) => void | Promise<void>,
    options: EventStreamOptions = {},
  ) {
    const events = new EventStream(request, {
      heartbeat: options.heartbeat ?? 15_000,
      maxQueued: options.maxQueued ?? 1000,
    });
    let started = false;
    const iterable: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => {
        if (!started) {
          started = true;
          // Started by the writer, not by the view: a response never written never subscribes.
          Promise.resolve()
            .then(() => produce(events))
            .catch((error: unknown) => events.fail(error));
        }
        return events;
      },
    };
    super(iterable, { contentType: 'text/event-stream; charset=utf-8' });
    this.events = events;
    this.headers.set('Cache-Control', 'no-cache');
    this.headers.set('X-Accel-Buffering', 'no'); // nginx: pass each event on at once
  }
}
