/**
 * The response deadline (`responseTimeout`) of a listening server. Every pending response
 * waits in one sweep (an unref'd interval over a list, a quarter of the deadline apart), so
 * an asynchronous view costs no timer of its own. A response is late once its socket has
 * read nothing for the deadline (at most a quarter more): a body still arriving keeps its
 * request alive, a view that hangs after the body came does not. A streamed response gets
 * the socket's own timeout instead: it is cut once the socket has been silent that long.
 *
 * The pending responses are a doubly linked list of small records, not a Set: a Set that
 * lives in the old generation reallocates its hash table there as entries come and go,
 * which promoted ~120 bytes per request to old-generation garbage under load. A record is
 * young and dies with its request.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A pending response: since which sweep, and how many bytes its socket had read then. */
export class PendingResponse {
  prev: PendingResponse | undefined = undefined;
  next: PendingResponse | undefined = undefined;
  bytesSeen: number | undefined = undefined; // read at the first sweep, not per request
  waiting = true;

  constructor(
    readonly res: ServerResponse,
    public since: number,
  ) {}
}

/** Sweeps in a deadline: late once more than this many have passed without progress. */
const STEPS = 4;

export class ResponseDeadline {
  private head: PendingResponse | undefined;
  private sweeps = 0;
  private readonly timer: NodeJS.Timeout;

  /** `onLate` gets each late response of the sweep once (node's 'timeout' event gets the silent sockets). */
  constructor(
    private readonly ms: number,
    private readonly onLate: (res: ServerResponse) => void,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(10, Math.ceil(ms / STEPS)));
    this.timer.unref();
  }

  /**
   * `res` is pending (per response, so pipelined requests on one socket each keep theirs); give the record to
   * `answered`.
   */
  pending(res: ServerResponse): PendingResponse {
    const entry = new PendingResponse(res, this.sweeps);
    entry.next = this.head;
    if (this.head !== undefined) this.head.prev = entry;
    this.head = entry;
    return entry;
  }

  /** The response is there (to be written); a second call does nothing. */
  answered(entry: PendingResponse): void {
    if (!entry.waiting) return;
    entry.waiting = false;
    if (entry.prev === undefined) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next !== undefined) entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
  }

  /** A streamed response is being written: it is cut once its socket stays silent. */
  streaming(socket: Socket | null): void {
    socket?.setTimeout(this.ms);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    this.sweeps++;
    for (let entry = this.head; entry !== undefined;) {
      const next = entry.next; // answered() unlinks it
      const { res } = entry;
      if (res.destroyed) {
        this.answered(entry); // the client left; its view may still answer
      } else {
        const read = res.socket?.bytesRead;
        if (read !== entry.bytesSeen) {
          // Bytes arrived since the last sweep (a body on its way): the clock starts again.
          if (entry.bytesSeen !== undefined) entry.since = this.sweeps;
          entry.bytesSeen = read;
        }
        if (this.sweeps - entry.since > STEPS) {
          this.answered(entry);
          this.onLate(res);
        }
      }
      entry = next;
    }
  }
}
