/**
 * The response deadline (`responseTimeout`) of a listening server. A pending response to a
 * request without a body waits in one sweep (an unref'd interval over a Set, a quarter of
 * the deadline apart), so an asynchronous view costs no timer of its own; it is late after
 * the deadline (at most a quarter more). A request with a body, or a streamed response,
 * gets the socket's own timeout instead: it is late once the socket has been silent that
 * long, so a body still arriving or a stream still flowing keeps it alive.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A pending response: since which sweep. */
interface Waiting extends ServerResponse {
  pendingSince?: number;
}

/** Sweeps in a deadline: late once more than this many have passed. */
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
  pending(res: Waiting, requestHasBody: boolean): void {
    if (requestHasBody) {
      res.socket?.setTimeout(this.ms); // node replaces it with keepAliveTimeout once the response is finished
      return;
    }
    res.pendingSince = this.sweeps;
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
      if (res.destroyed) this.answered(res); // the client left; its view may still answer
      else if (this.sweeps - res.pendingSince! > STEPS) {
        this.answered(res);
        this.onLate(res);
      }
    }
  }
}
