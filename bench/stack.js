'use strict';
/**
 * The full stack against the peers a user would pick instead, doing the same work
 * (servers/stack-*.ts): Rondo's default stack, Fastify 5 + @fastify/helmet +
 * @fastify/secure-session + @fastify/csrf-protection, Express 5 + helmet +
 * express-session + csrf-sync, and NestJS 11 on Fastify with the same plugins. Three
 * routes: GET /form (reads the session, renders a CSRF token), POST /form (JSON, CSRF
 * checked, writes the session), GET /me (the logged-in user loaded from the session).
 *
 * Wall clock: the server pinned to CPU 0, autocannon (50 connections, holding the
 * cookies and the token of one logged-in browser) on CPU 1; each round starts every
 * server afresh, warms it up, then measures; the order rotates between rounds. Reported:
 * requests per server CPU-second, median and spread (min-max) of the rounds, and
 * Rondo's ratio to each peer (median of the per-round ratios).
 *
 * Instructions (--instructions): each server under callgrind, the same requests, the
 * count per request (repeatable where the wall clock swings by ±30 %).
 *
 *   node bench/stack.js [--rounds 5] [--duration 5] [--only form,post,me] [--servers rondo,fastify] [--matched] [--instructions] [--n 3000] [--warm 8000] [--readme]
 *   node bench/stack.js --report [--readme]   (the tables again from results/stack.json)
 */
const { spawn, execFileSync, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { waitForListening, stop, readDump } = require('./lib');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const ROUNDS = Number(flag('rounds', 5));
const DURATION = Number(flag('duration', 5));
const WARMUP = 2;
const CONNECTIONS = 50;
const N = Number(flag('n', 3000));
const WARM = Number(flag('warm', 8000));
const INSTRUCTIONS = args.includes('--instructions');
// V8 flags for the servers under valgrind (INSTRUCTIONS_NODE_FLAGS=--single-threaded: repeatable on a busy machine).
const NODE_FLAGS = (process.env.INSTRUCTIONS_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const ONLY = flag('only', '') ? flag('only', '').split(',') : undefined;
const SERVER_FILTER = flag('servers', '') ? flag('servers', '').split(',') : undefined;

const SERVERS = {
  rondo: { file: 'stack-rondo.js', label: 'Rondo (default stack)' },
  fastify: { file: 'stack-fastify.js', label: 'Fastify + helmet + secure-session + csrf-protection' },
  express: { file: 'stack-express.js', label: 'Express + helmet + express-session + csrf-sync' },
  nest: { file: 'stack-nest.js', label: 'NestJS on Fastify, same plugins' },
};
// --matched: the peers again with helmet sending only the headers Rondo sends (HEADERS=rondo).
if (args.includes('--matched')) {
  for (const name of ['fastify', 'express', 'nest'])
    SERVERS[`${name}-matched`] = { ...SERVERS[name], label: `${SERVERS[name].label}, Rondo's headers`, env: { HEADERS: 'rondo' } };
}
for (const name of Object.keys(SERVERS)) if (SERVER_FILTER && !SERVER_FILTER.includes(name)) delete SERVERS[name];
const ROUTES = [
  { key: 'form', name: 'GET form (session read + CSRF token)', path: '/form' },
  { key: 'post', name: 'POST JSON (CSRF check + session write)', path: '/form', method: 'POST', body: JSON.stringify({ title: 'Hello' }) },
  { key: 'me', name: 'GET logged-in page (session user)', path: '/me' },
].filter((route) => !ONLY || ONLY.includes(route.key));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function useTaskset() {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}
const PINNED = useTaskset();

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

function start(name, valgrindOut) {
  const script = path.join(__dirname, 'dist/servers', SERVERS[name].file);
  const [command, argv] = valgrindOut
    ? ['valgrind', ['--tool=callgrind', `--callgrind-out-file=${valgrindOut}`, '--dump-line=no', '--dump-instr=no', process.execPath, ...NODE_FLAGS, script]]
    : PINNED ? ['taskset', ['-c', '0', process.execPath, script]] : [process.execPath, [script]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...SERVERS[name].env } });
  let errors = '';
  child.stderr.on('data', (chunk) => { errors = (errors + chunk).slice(-4000); });
  return waitForListening(child, name, valgrindOut ? 120_000 : 15_000, () => `: ${errors}`).then((port) => ({ child, port }));
}

/** A logged-in browser: its cookies and the CSRF token, from GET /seed. */
async function seed(port) {
  const response = await fetch(`http://127.0.0.1:${port}/seed`);
  const { token } = await response.json();
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  return { cookie, 'x-csrftoken': token, 'x-csrf-token': token, 'content-type': 'application/json' };
}

function load(port, route, headers, options) {
  return new Promise((resolve, reject) => autocannon({
    url: `http://127.0.0.1:${port}${route.path}`, method: route.method ?? 'GET', body: route.body, headers,
    connections: options.connections ?? CONNECTIONS, timeout: 60,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration }),
  }, (error, result) => {
    if (error) return reject(error);
    const failed = result.non2xx + result.errors + result.timeouts;
    return failed ? reject(new Error(`${failed} requests failed (non-2xx ${result.non2xx})`)) : resolve(result);
  }));
}

async function wallClock() {
  const samples = {};
  const names = Object.keys(SERVERS);
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const route of ROUTES) {
      for (const name of order) {
        const { child, port } = await start(name);
        try {
          const headers = await seed(port);
          await load(port, route, headers, { duration: WARMUP });
          const before = cpuSeconds(child.pid);
          const result = await load(port, route, headers, { duration: DURATION });
          const cpu = cpuSeconds(child.pid) - before;
          const perCpu = result.requests.total / cpu;
          ((samples[route.key] ??= {})[name] ??= []).push(perCpu);
          console.log(`  round ${round + 1} ${route.key.padEnd(5)} ${name.padEnd(8)} ${result.requests.average.toFixed(0).padStart(7)} req/s ${perCpu.toFixed(0).padStart(7)} req/CPU-s`);
        } finally {
          await stop(child);
        }
      }
    }
  }
  return samples;
}

async function instructions() {
  if (spawnSync('valgrind', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rondo-stack-callgrind-'));
  const counts = {};
  try {
    for (const route of ROUTES) {
      for (const name of Object.keys(SERVERS)) {
        const out = path.join(dir, `${name}-${route.key}.out`);
        const { child, port } = await start(name, out);
        try {
          const headers = await seed(port);
          await load(port, route, headers, { amount: WARM, connections: 10 });
          execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
          await load(port, route, headers, { amount: N, connections: 10 });
          execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
          const dump = readdirSync(dir).map((f) => path.join(dir, f)).find((f) => f.startsWith(`${out}.`));
          const { total, compiler } = readDump(dump);
          (counts[route.key] ??= {})[name] = (total - compiler) / N;
          console.log(`  instructions ${route.key.padEnd(5)} ${name.padEnd(8)} ${((total - compiler) / N).toFixed(0)} per request`);
        } finally {
          await stop(child);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}

function report(result) {
  const peers = Object.keys(SERVERS).filter((name) => name !== 'rondo');
  const lines = [
    `# Full stack vs peers (${result.when} UTC)`,
    '',
    `${result.machine}. Wall clock: ${result.rounds} rounds of ${result.duration} s after ${WARMUP} s warm-up, ${CONNECTIONS} connections, server pinned to CPU 0 (${result.pinned ? 'taskset' : 'not pinned: no taskset'}); requests per server CPU-second, median (min-max) of the rounds.${result.instructions ? ` Instructions: callgrind, ${result.warm} warm-up requests then ${result.n} counted.` : ''} Ratios are Rondo over the peer (higher is better for Rondo).`,
    '',
    '| route | server | req per CPU-s, median (min-max) | Rondo / this | instructions per request | Rondo / this (instructions) |',
    '|---|---|---|---:|---:|---:|',
  ];
  for (const route of ROUTES) {
    const byServer = result.samples[route.key] ?? {};
    const rondo = byServer.rondo ?? [];
    for (const name of Object.keys(SERVERS)) {
      const values = byServer[name] ?? [];
      if (values.length === 0) continue;
      const ratios = values.map((value, i) => (rondo[i] ?? NaN) / value);
      const count = result.instructions?.[route.key]?.[name];
      const rondoCount = result.instructions?.[route.key]?.rondo;
      lines.push(
        `| ${route.name} | ${SERVERS[name].label} | ${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}) | ${name === 'rondo' ? '1.00' : median(ratios).toFixed(2)} | ${count ? count.toFixed(0) : ''} | ${count && rondoCount ? (count / rondoCount).toFixed(2) : ''} |`,
      );
    }
  }
  lines.push('', `Peers: ${peers.map((name) => SERVERS[name].label).join('; ')}. Rerun: \`npm run bench:stack\` (or \`node bench/stack.js --rounds 5 --instructions\`).`, '');
  return lines.join('\n');
}

const README = path.join(__dirname, '..', 'README.md');
/** --matched runs keep their own results (results/stack-matched.*), beside the main ones. */
const RESULT = args.includes('--matched') ? 'stack-matched' : 'stack';
const START = '<!-- bench/stack.js writes this table -->';
const END = '<!-- end of the bench/stack.js table -->';

/** The README's table: Rondo's ratio to each peer per route, wall clock (median, min-max) and instructions. */
function readmeTable(result) {
  const peers = Object.keys(SERVERS).filter((name) => name !== 'rondo');
  const header = `| route (each server doing the same work) | ${peers.map((name) => `vs ${SERVERS[name].label}`).join(' | ')} |`;
  const rows = ROUTES.map((route) => {
    const byServer = result.samples[route.key] ?? {};
    const rondo = byServer.rondo ?? [];
    const cells = peers.map((name) => {
      const ratios = (byServer[name] ?? []).map((value, i) => (rondo[i] ?? NaN) / value).filter(Number.isFinite);
      if (ratios.length === 0) return '–';
      const count = result.instructions?.[route.key];
      const instr = count?.[name] && count?.rondo ? `; instructions ${(count[name] / count.rondo).toFixed(2)}×` : '';
      return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})${instr}`;
    });
    return `| ${route.name} | ${cells.join(' | ')} |`;
  });
  return [
    START,
    '',
    `Rondo's default stack against what a user would pick instead, each with its own session, CSRF protection and security headers at their defaults (${result.when} UTC, ${result.machine}): Rondo's requests per server CPU-second over the peer's, median of ${result.rounds} rounds (min–max of the rounds)${result.instructions ? ', and the peer\'s instructions per request over Rondo\'s (callgrind)' : ''}. Above 1 is Rondo ahead. \`npm run bench:stack\` reruns it; [the full results](bench/results/stack.md).`,
    '',
    header,
    `|---|${peers.map(() => '---:').join('|')}|`,
    ...rows,
    '',
    END,
  ].join('\n');
}

function writeReadme(result) {
  const text = readFileSync(README, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from === -1 || to === -1) throw new Error(`README.md has no ${START} ... ${END} section`);
  writeFileSync(README, text.slice(0, from) + readmeTable(result) + text.slice(to + END.length));
}

async function main() {
  if (args.includes('--instructions-only')) {
    console.log(JSON.stringify(await instructions()));
    return;
  }
  if (args.includes('--report')) {
    const saved = JSON.parse(readFileSync(path.join(__dirname, 'results', `${RESULT}.json`), 'utf8'));
    console.log(report(saved));
    if (args.includes('--readme')) writeReadme(saved);
    return;
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, load ${os.loadavg()[0].toFixed(2)} at start`;
  const samples = await wallClock();
  const counts = INSTRUCTIONS ? await instructions() : undefined;
  const result = { when, machine, rounds: ROUNDS, duration: DURATION, pinned: PINNED, samples, instructions: counts, n: N, warm: WARM };
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${RESULT}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const text = report(result);
  writeFileSync(path.join(dir, `${RESULT}.md`), text);
  if (args.includes('--readme')) writeReadme(result);
  console.log(`\n${text}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
