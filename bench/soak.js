'use strict';
/**
 * The soak test (opt-in, not in CI): the load-test server (test/fixtures/load-server.ts,
 * full default stack, access log on) under steady load for --minutes (default 10) on a mix
 * of routes (JSON, a 30 ms view, a session read, a view that throws on every 10th call,
 * 404s), its RSS sampled every 15 s after a 1-minute warm-up. The RSS growth is the slope
 * of a least-squares line through the samples; more than 1 MB/min fails (exit 1).
 *
 *   npm run build && node bench/soak.js [--minutes 10] [--connections 50]
 */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const MINUTES = flag('minutes', 10);
const CONNECTIONS = flag('connections', 50);
const SERVER = path.join(__dirname, '../dist/test/fixtures/load-server.js');
const PORT = 18000 + Math.floor(Math.random() * 1000);

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function main() {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((done) => child.stdout.on('data', (c) => String(c).includes('Listening on') && done()));
  const url = `http://127.0.0.1:${PORT}`;
  const cookie = (await fetch(`${url}/ok`)).headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const run = autocannon({
    url, connections: CONNECTIONS, duration: MINUTES * 60,
    requests: [{ path: '/ok' }, { path: '/slow' }, { path: '/session', headers: { cookie } }, { path: '/flaky' }, { path: '/nowhere' }],
  });
  autocannon.track(run, { renderProgressBar: false, renderResultsTable: false });
  const samples = [];
  const started = Date.now();
  const timer = setInterval(() => {
    const minute = (Date.now() - started) / 60000;
    if (minute < 1) return;
    const mb = rss(child.pid);
    samples.push([minute, mb]);
    console.log(`${minute.toFixed(2)} min  RSS ${mb.toFixed(1)} MB`);
  }, 15000);
  const result = await run;
  clearInterval(timer);
  child.kill('SIGTERM');
  const n = samples.length;
  const mx = samples.reduce((a, [x]) => a + x, 0) / n;
  const my = samples.reduce((a, [, y]) => a + y, 0) / n;
  const slope = samples.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / samples.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  console.log(`${result.requests.total} requests (${result.errors} errors, ${result.timeouts} timeouts) in ${MINUTES} min at ${CONNECTIONS} connections; RSS ${samples[0]?.[1].toFixed(1)} → ${samples[n - 1]?.[1].toFixed(1)} MB, growth ${slope.toFixed(2)} MB/min (limit 1)`);
  process.exit(slope > 1 || result.errors > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
