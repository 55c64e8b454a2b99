import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { ResponseDeadline } from '../../src/server/response-deadline';

/** A stand-in for node's ServerResponse: what the sweep reads. */
function fakeResponse(name: string): ServerResponse & { name: string; socket: { bytesRead: number } } {
  return { name, destroyed: false, socket: { bytesRead: 100 } } as never;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ResponseDeadline', () => {
  it('reports only the responses still pending at the deadline, once each, however they were answered around them', async () => {
    const late: string[] = [];
    const deadline = new ResponseDeadline(40, (res) => late.push((res as ServerResponse & { name: string }).name));
    try {
      const [first, middle, last, gone] = ['first', 'middle', 'last', 'gone'].map(fakeResponse);
      const entries = [first, middle, last, gone].map((res) => deadline.pending(res));
      deadline.answered(entries[1]); // from the middle of the list
      deadline.answered(entries[1]); // a second call does nothing
      (gone as { destroyed: boolean }).destroyed = true; // the client left: forgotten, not late
      await wait(300);
      expect(late.sort()).to.deep.equal(['first', 'last']);
      deadline.answered(entries[0]); // the view answering after the 503: nothing happens
      await wait(60);
      expect(late).to.have.length(2);
    } finally {
      deadline.stop();
    }
  });

  it('restarts the clock of a response whose socket keeps reading (a body on its way)', async () => {
    const late: string[] = [];
    const deadline = new ResponseDeadline(200, (res) => late.push((res as ServerResponse & { name: string }).name));
    try {
      const uploading = fakeResponse('uploading');
      const entry = deadline.pending(uploading);
      const trickle = setInterval(() => {
        uploading.socket.bytesRead += 10;
      }, 20);
      await wait(600); // three deadlines
      clearInterval(trickle);
      expect(late).to.deep.equal([]);
      await wait(800);
      expect(late).to.deep.equal(['uploading']);
      deadline.answered(entry);
    } finally {
      deadline.stop();
    }
  });
});
