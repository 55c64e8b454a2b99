/**
 * The response deadline (`responseTimeout`) of a listening server. Every pending response
 * waits in one sweep (an unref'd interval over a Set, a quarter of the deadline apart), so
 * an asynchronous view costs no timer of its own. A response is late once its socket has
 * read nothing for the deadline (at most a quarter more): a body still arriving keeps its
 * request alive, a view that hangs after the body came does not. A streamed response gets
 * the socket's own timeout instead: it is cut once the socket has been silent that long.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A pending response: since which sweep, and how many bytes its socket had read then. */
interface Waiting extends ServerResponse {
  pendingSince?: number;
  bytesSeen?: number;
}

/** Sweeps in a deadline: late once more than this many have passed without progress. */
const STEPS = 4;

export class ResponseDeadline {
  private readonly waiting = new Set<Waiting>();
  private sweeps = 0;
  private readonly timer: NodeJS.Timeout;

  /** `onLate` gets each late response of the sweep once (node's 'timeout' event gets the silent sockets). */
  constructor(private readonly ms: number, private readonly onLate: (res: ServerResponse) => void) {
    this.timer = setInterval(() => this.sweep(), Math.max(10, Math.ceil(ms / STEPS)));
    this.timer.unref();
  }

  /** `res` is pending (per response, so pipelined requests on one socket each keep theirs). */
  pending(res: Waiting): void {
    res.pendingSince = this.sweeps;
    res.bytesSeen = undefined; // read at the first sweep, not per request
    this.waiting.add(res);
  }

  /** The response is there (to be written). */
  answered(res: Waiting): void {
    if (res.pendingSince !== undefined) {
      res.pendingSince = undefined;
      this.waiting.delete(res);
    }
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
    for (const res of this.waiting) {
      if (res.destroyed) {
        this.answered(res); // the client left; its view may still answer
        continue;
      }
      const read = res.socket?.bytesRead;
      if (read !== res.bytesSeen) {
        // Bytes arrived since the last sweep (a body on its way): the clock starts again.
        if (res.bytesSeen !== undefined) res.pendingSince = this.sweeps;
        res.bytesSeen = read;
      }
      if (this.sweeps - res.pendingSince! > STEPS) {
        this.answered(res);
        this.onLate(res);
      }
    }
  }
}
