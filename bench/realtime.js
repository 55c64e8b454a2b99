'use strict';
/**
 * Real-time and background work, measured against the peers doing the same work in the
 * same run:
 *
 * - ws: WebSocket JSON echo, Rondo's `@WebSocket` route vs `ws` alone on node:http. The
 *   server is pinned to CPU 0, the clients (50 connections, each keeping 10 messages in
 *   flight) run here on CPU 1. Reported: messages per second, and messages per server
 *   CPU-second (what the server spent, from /proc), median of the rounds, and Rondo's
 *   ratio to ws in each round.
 * - tasks: 2,000 no-op tasks enqueued, then run by a worker (concurrency 8), through
 *   each backend (immediate, database on SQLite and PostgreSQL, redis), and BullMQ alone
 *   (Queue.add + Worker) doing the same on the same Redis. Reported: enqueues and runs
 *   per second.
 *
 * node bench/realtime.js [--only ws,tasks] [--rounds 3] [--seconds 5]
 * (after `npm run build` and the bench build: npm --prefix bench ci && tsc -p bench/tsconfig.json)
 */
const { spawn, execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir, cpus, loadavg } = require('node:os');
const { waitForListening, stop } = require('./lib');

const ROOT = join(__dirname, '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};
const ONLY = new Set(arg('only', 'ws,tasks').split(','));
const ROUNDS = Number(arg('rounds', 3));
const SECONDS = Number(arg('seconds', 5));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

function pinned(script, env) {
  const useTaskset = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true']);
      return true;
    } catch {
      return false;
    }
  })();
  const command = useTaskset ? 'taskset' : process.execPath;
  const args = useTaskset ? ['-c', '0', process.execPath, script] : [script];
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** 50 clients, each keeping `inFlight` JSON messages on the way, for `seconds`: messages answered. */
async function echoLoad(port, seconds, clients = 50, inFlight = 10) {
  const { WebSocket } = require(join(ROOT, 'node_modules/ws'));
  const message = JSON.stringify({ type: 'comment', body: 'Hello there, this is a comment of typical length.', n: 1 });
  let answered = 0;
  let running = true;
  const sockets = await Promise.all(
    Array.from({ length: clients }, () => new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    })),
  );
  for (const socket of sockets) {
    socket.on('message', () => {
      answered += 1;
      if (running) socket.send(message);
    });
    for (let i = 0; i < inFlight; i++) socket.send(message);
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  for (const socket of sockets) socket.terminate();
  return answered;
}

async function benchWebSockets(results) {
  const script = join(__dirname, 'dist/servers/ws-servers.js');
  const rows = { rondo: [], ws: [] };
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['ws', 'rondo'] : ['rondo', 'ws'];
    const perCpu = {};
    for (const server of order) {
      const child = pinned(script, { SERVER: server });
      const port = await waitForListening(child, server, 15_000);
      await echoLoad(port, 1); // warm-up
      const before = cpuSeconds(child.pid);
      const started = Date.now();
      const answered = await echoLoad(port, SECONDS);
      const elapsed = (Date.now() - started) / 1000;
      const cpu = cpuSeconds(child.pid) - before;
      await stop(child);
      perCpu[server] = answered / cpu;
      rows[server].push({ perSecond: answered / elapsed, perCpu: answered / cpu });
      console.log(`  ws round ${round + 1} ${server}: ${Math.round(answered / elapsed)} msg/s, ${Math.round(answered / cpu)} msg/CPU-s`);
    }
    ratios.push(perCpu.rondo / perCpu.ws);
  }
  results.ws = {
    rondo: { perSecond: median(rows.rondo.map((r) => r.perSecond)), perCpu: median(rows.rondo.map((r) => r.perCpu)) },
    ws: { perSecond: median(rows.ws.map((r) => r.perSecond)), perCpu: median(rows.ws.map((r) => r.perCpu)) },
    ratio: median(ratios),
    ratios,
  };
}

async function benchTasks(results) {
  const { execFile } = require('node:child_process');
  const run = (env) =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, [join(__dirname, 'dist/servers/tasks-run.js')], { env: { ...process.env, ...env }, timeout: 300_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()))),
    );
  const dir = mkdtempSync(join(tmpdir(), 'rondo-bench-tasks-'));
  const cases = [
    ['immediate', { BACKEND: 'immediate' }],
    ['database (SQLite)', { BACKEND: 'database', DATABASE_URL: `sqlite:${join(dir, 'tasks.sqlite3')}` }],
    ['database (PostgreSQL)', { BACKEND: 'database', DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' }],
    ['redis (BullMQ via Rondo)', { BACKEND: 'redis' }],
    ['BullMQ alone', { BACKEND: 'bullmq' }],
  ];
  results.tasks = {};
  try {
    for (const [label, env] of cases) {
      const rounds = [];
      for (let round = 0; round < ROUNDS; round++) rounds.push(await run(env));
      results.tasks[label] = {
        enqueuePerSecond: median(rounds.map((r) => r.enqueuePerSecond)),
        runPerSecond: median(rounds.map((r) => r.runPerSecond)),
      };
      console.log(`  tasks ${label}: ${Math.round(results.tasks[label].enqueuePerSecond)} enqueued/s, ${Math.round(results.tasks[label].runPerSecond)} run/s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const OUT = join(__dirname, 'results');

/** results/realtime.md from the results (`--report` rewrites it from results/realtime.json). */
function report(results) {
  const lines = [`# Real-time and tasks (${results.date.slice(0, 10)}, ${results.cpus}, load ${results.load.toFixed(2)})`, ''];
  if (results.ws) {
    lines.push('| WebSocket JSON echo | msg/s | msg per server CPU-s | vs ws (per CPU-s, median of rounds) |', '|---|---|---|---|');
    for (const name of ['ws', 'rondo'])
      lines.push(`| ${name === 'ws' ? 'ws alone' : 'Rondo @WebSocket'} | ${Math.round(results.ws[name].perSecond)} | ${Math.round(results.ws[name].perCpu)} | ${name === 'ws' ? '1.00' : results.ws.ratio.toFixed(2)} |`);
    lines.push('');
  }
  if (results.tasks) {
    const peer = results.tasks['BullMQ alone'];
    lines.push('| tasks (2,000 no-op, worker concurrency 8) | enqueued/s | run/s | vs BullMQ alone (enqueue / run) |', '|---|---|---|---|');
    for (const [label, row] of Object.entries(results.tasks)) {
      const ratio = label.startsWith('redis') && peer ? `${(row.enqueuePerSecond / peer.enqueuePerSecond).toFixed(2)} / ${(row.runPerSecond / peer.runPerSecond).toFixed(2)}` : '';
      lines.push(`| ${label} | ${Math.round(row.enqueuePerSecond)} | ${Math.round(row.runPerSecond)} | ${ratio} |`);
    }
  }
  writeFileSync(join(OUT, 'realtime.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

async function main() {
  if (process.argv.includes('--report')) return report(JSON.parse(readFileSync(join(OUT, 'realtime.json'), 'utf8')));
  const results = { date: new Date().toISOString(), cpus: cpus()[0].model, load: loadavg()[0] };
  if (ONLY.has('ws')) await benchWebSockets(results);
  if (ONLY.has('tasks')) await benchTasks(results);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'realtime.json'), `${JSON.stringify(results, null, 2)}\n`);
  report(results);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
