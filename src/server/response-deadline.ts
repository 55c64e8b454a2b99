/**
 * The response deadline (`responseTimeout`) of a listening server. A request without a
 * body whose response is pending waits in one sweep (an unref'd interval over a Set, a
 * quarter of the deadline apart), so an asynchronous view costs no timer of its own; it is
 * late after the deadline (at most a quarter more). A request with a body, or a streamed
 * response, gets the socket's own timeout instead: it is late once the socket has been
 * silent that long, so a body still arriving or a stream still flowing keeps it alive.
 */
import type { Socket } from 'node:net';

/** A socket waiting for its response: since which sweep. */
export interface DeadlineSocket extends Socket {
  pendingSince?: number;
}

/** Sweeps in a deadline: late once more than this many have passed. */
const STEPS = 4;

export class ResponseDeadline {
  private readonly waiting = new Set<DeadlineSocket>();
  private sweeps = 0;
  private readonly timer: NodeJS.Timeout;

  /** `onLate` gets each late socket once (node's 'timeout' event gets the silent ones). */
  constructor(private readonly ms: number, private readonly onLate: (socket: Socket) => void) {
    this.timer = setInterval(() => this.sweep(), Math.max(10, Math.ceil(ms / STEPS)));
    this.timer.unref();
  }

  /** The response to this socket's request is pending. */
  pending(socket: DeadlineSocket, requestHasBody: boolean): void {
    if (requestHasBody) {
      socket.setTimeout(this.ms); // node replaces it with keepAliveTimeout once the response is finished
      return;
    }
    socket.pendingSince = this.sweeps;
    this.waiting.add(socket);
  }

  /** The response is there (to be written). */
  answered(socket: DeadlineSocket): void {
    if (socket.pendingSince !== undefined) {
      socket.pendingSince = undefined;
      this.waiting.delete(socket);
    }
  }

  /** A streamed response is being written: it is cut once its socket stays silent. */
  streaming(socket: Socket): void {
    socket.setTimeout(this.ms);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    this.sweeps++;
    for (const socket of this.waiting) {
      if (socket.destroyed) this.answered(socket); // the client left; its view may still answer
      else if (this.sweeps - socket.pendingSince! > STEPS) {
        this.answered(socket);
        this.onLate(socket);
      }
    }
  }
}
