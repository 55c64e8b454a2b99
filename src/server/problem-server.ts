/**
 * While `rondo runserver` cannot run the app (a compile error, or an app that fails at
 * start-up), this answers every request on the app's port with a 500 page showing why,
 * as Django's runserver shows a syntax error in the browser. Development only.
 */
import { createServer } from 'node:http';
import { escapeHtml } from '../kernel/error-pages';

export interface ProblemServer {
  close(): Promise<void>;
}

export function serveProblem(host: string, port: number, title: string, detail: string): Promise<ProblemServer> {
  const page =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>' +
    escapeHtml(title) +
    '</title>' +
    '<style>body{font:15px/1.5 system-ui,sans-serif;margin:2em;color:#222}pre{background:#fbeaea;padding:1em;overflow:auto}</style></head>' +
    `<body><h1>${escapeHtml(title)}</h1><pre>${escapeHtml(detail)}</pre><p>Fix it and save: the page reloads when you refresh after the next successful build.</p></body></html>\n`;
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(500, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(page),
    });
    response.end(page);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}
