'use strict';
/**
 * Rondo's benchmark runner. Every server runs in its own process pinned to CPU 0; this
 * runner (and autocannon inside it) pins itself to CPU 1. For every round, server and
 * scenario: check the answer, warm up, then measure requests/s, p50/p99 latency and
 * requests per server CPU-second (utime+stime from /proc: on two cores the load generator
 * can saturate first). Ratios compare with raw node:http measured in the same round;
 * reported values are medians over rounds. Then: start-up time and idle RSS, a
 * 500-controller Rondo app, and RSS after 10,000 vs 100,000 requests.
 *
 *   node bench/run.js [--quick] [--rounds N] [--duration S] [--connections C] [--only a,b] [--out results/<dir>]
 *   [--servers a,b]
 *   (--only takes parts of scenario names, and 'startup' / 'memory' for those sections;
 *   --servers keeps the servers whose names include one of the parts, plus each scenario's
 *   base, node:http or node:http + TypeORM)
 */
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { renderSvg } = require('./chart');
const { waitForListening, stop, seedCookie, checkAnswer } = require('./lib');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const QUICK = args.includes('--quick');
const ROUNDS = Number(flag('rounds', QUICK ? 1 : 3));
const DURATION = Number(flag('duration', QUICK ? 1 : 2));
const WARMUP = QUICK ? 0.5 : 0.5;
const CONNECTIONS = Number(flag('connections', 100));
const ONLY = flag('only', '') ? flag('only', '').split(',') : undefined;
const SERVER_FILTER = flag('servers', '') ? flag('servers', '').split(',') : undefined;

const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.cpus().length >= 2;
if (HAS_TASKSET && !process.env.RONDO_BENCH_PINNED) {
  const child = spawnSync('taskset', ['-c', '1', process.execPath, __filename, ...args], { stdio: 'inherit', env: { ...process.env, RONDO_BENCH_PINNED: '1' } });
  process.exit(child.status ?? 1);
}

const SERVERS = {
  'node:http': { file: 'node-http.js' },
  fastify: { file: 'fastify.js' },
  express: { file: 'express.js' },
  'nest-express': { file: 'nest.js', env: { ADAPTER: 'express' } },
  'nest-fastify': { file: 'nest.js', env: { ADAPTER: 'fastify' } },
  'routing-controllers': { file: 'routing-controllers.js' },
  'rondo (bare)': { file: 'rondo.js' },
  'rondo (full stack)': { file: 'rondo.js', env: { FULL: '1' } },
  'rondo (cached page)': { file: 'rondo.js', env: { CACHE: '1' } },
  // The full stack layer by layer (what each part of the default stack costs).
  'rondo + sessions': { file: 'rondo.js', env: { FULL: '1', MW: 'SessionMiddleware' } },
  'rondo + sessions + CSRF': { file: 'rondo.js', env: { FULL: '1', MW: 'SessionMiddleware,CsrfViewMiddleware' } },
  'rondo (full stack, no added headers)': { file: 'rondo.js', env: { FULL: '1', HEADERS: '0' } },
  'node:http + TypeORM': { file: 'orm-node-http.js' },
  'fastify + TypeORM': { file: 'orm-fastify.js' },
  'nest-fastify + TypeORM': { file: 'orm-nest.js' },
  'rondo + TypeORM': { file: 'orm-rondo.js' },
};
const ALL = ['node:http', 'fastify', 'express', 'nest-express', 'nest-fastify', 'routing-controllers', 'rondo (bare)'];
const USER = JSON.stringify({ name: 'Ann', email: 'ann@example.com', age: 30 });
const SCENARIOS = [
  { name: 'GET small JSON', path: '/json', servers: ALL },
  { name: 'GET /users/<int:id>', path: '/users/42', servers: ALL },
  { name: 'POST JSON echo', path: '/echo', method: 'POST', body: JSON.stringify({ hello: 'world', list: [1, 2, 3] }), servers: ALL },
  { name: 'POST DTO validation', path: '/dto', method: 'POST', body: USER, servers: ALL },
  { name: '10 routes, last one', path: '/r9', servers: ALL, env: { ROUTES: '10' } },
  { name: '1000 routes, last one', path: '/r999', servers: ALL, env: { ROUTES: '1000' } },
  { name: 'singleton service', path: '/singleton', servers: ['node:http', 'nest-express', 'nest-fastify', 'rondo (bare)'] },
  { name: 'request-scoped service', path: '/scoped', servers: ['node:http', 'nest-express', 'nest-fastify', 'rondo (bare)'] },
  { name: 'EJS page (layout, partial, 50 rows)', path: '/page', servers: ['node:http', 'fastify', 'express', 'nest-express', 'nest-fastify', 'rondo (bare)'] },
  { name: 'EJS page, cached (CacheMiddleware)', path: '/page', servers: ['node:http', 'rondo (bare)', 'rondo (cached page)'] },
  { name: 'session + CSRF + security headers', path: '/json-session', seed: true, servers: ['node:http', 'rondo (bare)', 'rondo (full stack)'] },
  {
    name: 'the same, layer by layer', path: '/json-session', seed: true,
    servers: ['node:http', 'rondo (bare)', 'rondo + sessions', 'rondo + sessions + CSRF', 'rondo (full stack, no added headers)', 'rondo (full stack)'],
  },
  { name: 'full stack, JSON view (no session, no token)', path: '/json', servers: ['node:http', 'rondo (bare)', 'rondo (full stack)'] },
  ...ormScenarios(),
].filter((s) => !ONLY || ONLY.some((o) => s.name.toLowerCase().includes(o.toLowerCase())))
  .map((s) => ({ ...s, servers: s.servers.filter((name) => keepServer(name, s.base ?? 'node:http')) }));

/** --servers: a scenario keeps its base (the ratios' 1.0) and the servers a part names. */
function keepServer(name, base) {
  return !SERVER_FILTER || name === base || SERVER_FILTER.some((part) => name.includes(part));
}
for (const part of SERVER_FILTER ?? []) {
  if (!Object.keys(SERVERS).some((name) => name.includes(part))) {
    console.error(`--servers: "${part}" names no server; the servers are: ${Object.keys(SERVERS).join(', ')}`);
    process.exit(2);
  }
}

/**
 * The models scenarios: a JSON list of 20 rows from SQLite (a file) and from PostgreSQL
 * (DATABASE_URL, default the local test database), plain and inside a transaction
 * (Rondo's @Atomic(), the others' dataSource.transaction()); the base is node:http with
 * the same TypeORM query.
 */
function ormScenarios() {
  const ORM = ['node:http + TypeORM', 'fastify + TypeORM', 'nest-fastify + TypeORM', 'rondo + TypeORM'];
  const engines = [
    ['SQLite', `sqlite:${path.join(os.tmpdir(), 'rondo-bench.sqlite3')}`],
    ['PostgreSQL', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'],
  ];
  return engines.flatMap(([engine, url]) => [
    { name: `TypeORM: 20 rows (${engine})`, path: '/rows', servers: ORM, base: ORM[0], env: { ORM_DB: url }, database: url },
    { name: `TypeORM: 20 rows in a transaction (${engine})`, path: '/rows-atomic', servers: ORM, base: ORM[0], env: { ORM_DB: url }, database: url },
  ]);
}

/** Creates and fills bench_row once per database; false (with a message) when it cannot be reached. */
const seeded = new Map();
function seedDatabase(url) {
  if (!seeded.has(url)) {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'dist/servers/orm-seed.js')], { env: { ...process.env, ORM_DB: url }, encoding: 'utf8' });
    if (result.status !== 0) console.log(`  (skipping the scenarios on ${url.replace(/:[^:@/]*@/, ':***@')}: seeding failed: ${result.stderr.split('\n')[0]})`);
    seeded.set(url, result.status === 0);
  }
  return seeded.get(url);
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
}

function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

function startServer(name, env = {}) {
  const server = SERVERS[name];
  const script = path.join(__dirname, 'dist/servers', server.file);
  const command = HAS_TASKSET ? 'taskset' : process.execPath;
  const argv = HAS_TASKSET ? ['-c', '0', process.execPath, script] : [script];
  const started = process.hrtime.bigint();
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...server.env, ...env } });
  return waitForListening(child, name, 20_000).then((port) => ({ child, port, started }));
}

function load(port, scenario, duration, headers, amount) {
  return autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`, method: scenario.method ?? 'GET', body: scenario.body,
    headers: { 'content-type': 'application/json', ...headers }, connections: CONNECTIONS,
    ...(amount ? { amount } : { duration }),
  });
}

async function measure(name, scenario, port, pid) {
  const headers = scenario.seed && name !== 'node:http' ? { cookie: await seedCookie(port) } : {};
  await checkAnswer(port, scenario, name, headers);
  await load(port, scenario, WARMUP, headers);
  const before = cpuSeconds(pid);
  const result = await load(port, scenario, DURATION, headers);
  const cpu = cpuSeconds(pid) - before;
  const ok = result.requests.total - result.non2xx - result.errors;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, perCpuSecond: cpu > 0 ? ok / cpu : 0, errors: result.errors + result.non2xx };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function throughput() {
  const samples = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      if (scenario.database && !seedDatabase(scenario.database)) continue;
      // Rotate the server order each round so none always runs first.
      const order = scenario.servers.map((_, i) => scenario.servers[(i + round) % scenario.servers.length]);
      for (const name of order) {
        const { child, port } = await startServer(name, scenario.env);
        try {
          const sample = await measure(name, scenario, port, child.pid);
          ((samples[scenario.name] ??= {})[name] ??= []).push({ round, ...sample });
          console.log(`  round ${round + 1}  ${scenario.name.padEnd(36)} ${name.padEnd(20)} ${sample.rps.toFixed(0).padStart(7)} req/s ${sample.perCpuSecond.toFixed(0).padStart(7)} req/CPU-s`);
        } catch (error) {
          console.log(`  round ${round + 1}  ${scenario.name.padEnd(36)} ${name.padEnd(20)} FAILED: ${error.message}`);
        } finally {
          await stop(child);
        }
      }
    }
  }
  const rows = [];
  for (const scenario of SCENARIOS) {
    const byServer = samples[scenario.name] ?? {};
    const base = byServer[scenario.base ?? 'node:http'] ?? [];
    for (const name of scenario.servers) {
      const list = byServer[name] ?? [];
      const ratio = (s, key) => { const b = base.find((x) => x.round === s.round); return b ? s[key] / b[key] : NaN; };
      rows.push({
        scenario: scenario.name, server: name,
        rps: median(list.map((s) => s.rps)), p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)),
        perCpuSecond: median(list.map((s) => s.perCpuSecond)),
        ratio: median(list.map((s) => ratio(s, 'perCpuSecond'))), rpsRatio: median(list.map((s) => ratio(s, 'rps'))),
        // Shared machines slow down in spells (node:http itself varies 2x here): the ratio
        // of each server's best round to node:http's best round is a second, steal-proof view.
        ratioBest: list.length && base.length ? Math.max(...list.map((s) => s.perCpuSecond)) / Math.max(...base.map((s) => s.perCpuSecond)) : NaN,
        errors: list.reduce((n, s) => n + s.errors, 0),
      });
    }
  }
  return { rows, samples };
}

async function firstResponse(port) {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch { /* not yet */ }
    await sleep(5);
  }
}

/**
 * Start-up: time to the first 200 and RSS 1 s later, one server at a time (the others
 * idle on the same core cost nothing). Every server then stays up, idle, and its RSS is
 * read again IDLE_WAIT after the last one started: by then V8's memory reducer has run
 * (about 8-20 s into idleness) and given back the young generation that start-up grew.
 */
const IDLE_WAIT = QUICK ? 1000 : 30_000;
async function startup() {
  const results = [];
  const running = [];
  const variants = [['node:http'], ['fastify'], ['express'], ['nest-express'], ['rondo (bare)'], ['rondo (bare)', { ROUTES: '500' }, 'rondo, 500 controllers'], ['nest-express', { ROUTES: '500' }, 'nest-express, 500 controllers']];
  for (const [name, env, label] of variants) {
    const { child, port, started } = await startServer(name, env);
    await firstResponse(port);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await sleep(1000);
    const after1s = rssMb(child.pid);
    running.push(child);
    results.push({ server: label ?? name, startupMs: ms, rss1sMb: after1s, idleRssMb: undefined });
    console.log(`  start-up ${(label ?? name).padEnd(32)} ${ms.toFixed(0).padStart(6)} ms to first response, RSS 1 s later ${after1s.toFixed(1)} MB`);
  }
  await sleep(IDLE_WAIT);
  results.forEach((result, i) => {
    result.idleRssMb = rssMb(running[i].pid);
    console.log(`  idle RSS ${result.server.padEnd(32)} ${result.idleRssMb.toFixed(1)} MB after ${IDLE_WAIT / 1000} s idle`);
  });
  await Promise.all(running.map(stop));
  return results;
}

async function memory() {
  const results = [];
  const total = QUICK ? 20_000 : 100_000;
  for (const name of ['rondo (bare)', 'rondo (full stack)']) {
    const { child, port } = await startServer(name);
    const scenario = { path: '/json' };
    await load(port, scenario, 0, {}, 10_000);
    await sleep(500);
    const at10k = rssMb(child.pid);
    await load(port, scenario, 0, {}, total - 10_000);
    await sleep(500);
    const atEnd = rssMb(child.pid);
    await stop(child);
    results.push({ server: name, rss10k: at10k, rssEnd: atEnd, requests: total, growth: atEnd / at10k - 1 });
    console.log(`  memory ${name.padEnd(20)} RSS ${at10k.toFixed(1)} MB after 10,000 requests, ${atEnd.toFixed(1)} MB after ${total.toLocaleString('en')} (${((atEnd / at10k - 1) * 100).toFixed(1)} %)`);
  }
  return results;
}

/** Server CPU a transaction adds per request (µs): 1/throughput in one minus the other. */
function transactionCosts(rows) {
  const lines = [];
  for (const plain of rows.filter((r) => r.scenario.startsWith('TypeORM: 20 rows (') && r.perCpuSecond > 0)) {
    const engine = plain.scenario.slice('TypeORM: 20 rows ('.length, -1);
    const tx = rows.find((r) => r.scenario === `TypeORM: 20 rows in a transaction (${engine})` && r.server === plain.server);
    if (!tx || !(tx.perCpuSecond > 0)) continue;
    lines.push(`| ${engine} | ${plain.server} | ${fmt(1e6 / plain.perCpuSecond)} | ${fmt(1e6 / tx.perCpuSecond)} | ${fmt(1e6 / tx.perCpuSecond - 1e6 / plain.perCpuSecond)} |`);
  }
  if (!lines.length) return '';
  return ['', '| database | server | server CPU µs per request | in a transaction (@Atomic for Rondo) | cost of the transaction (µs) |', '|---|---|---:|---:|---:|', ...lines].join('\n');
}

function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

async function main() {
  const machine = { cpu: os.cpus()[0].model, cores: os.cpus().length, node: process.version, loadavg: readFileSync('/proc/loadavg', 'utf8').trim(), pinned: HAS_TASKSET };
  console.log(`Rondo benchmarks: ${ROUNDS} round(s), ${DURATION} s per run, ${CONNECTIONS} connections; ${machine.cpu} x${machine.cores}, Node ${machine.node}, load ${machine.loadavg}`);
  const { rows, samples } = await throughput();
  const boot = ONLY && !ONLY.includes('startup') ? [] : await startup();
  const mem = ONLY && !ONLY.includes('memory') ? [] : await memory();
  const when = new Date().toISOString();
  const header = `Measured ${when} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}; load average at start: ${machine.loadavg}. ${ROUNDS} round(s) of ${DURATION} s after ${WARMUP} s warm-up, ${CONNECTIONS} connections, medians of rounds; server pinned to CPU 0 and autocannon to CPU 1: ${machine.pinned}. Ratios are to raw node:http in the same round (for the TypeORM scenarios: to node:http running the same TypeORM query) (median over rounds), in requests per server CPU-second (and in req/s); 'ratio of best rounds' divides each server's best round by node:http's best round, which a slow spell of the shared machine cannot skew.`;
  const table = [
    '| scenario | server | req/s | p50 ms | p99 ms | req per CPU-s | ratio (CPU-s) | ratio of best rounds (CPU-s) | ratio (req/s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.server} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.perCpuSecond)} | ${fmt(r.ratio, 2)} | ${fmt(r.ratioBest, 2)} | ${fmt(r.rpsRatio, 2)} |`),
  ].join('\n');
  const bootTable = boot.length
    ? ['', `| server | start-up to first response (ms) | RSS 1 s after it (MB) | idle RSS after ${IDLE_WAIT / 1000} s (MB) |`, '|---|---:|---:|---:|',
      ...boot.map((b) => `| ${b.server} | ${fmt(b.startupMs)} | ${fmt(b.rss1sMb, 1)} | ${fmt(b.idleRssMb, 1)} |`)].join('\n')
    : '';
  const memTable = mem.length ? ['', '| server | RSS after 10,000 requests (MB) | RSS after N requests (MB) | N | growth |', '|---|---:|---:|---:|---:|', ...mem.map((m) => `| ${m.server} | ${fmt(m.rss10k, 1)} | ${fmt(m.rssEnd, 1)} | ${m.requests} | ${fmt(m.growth * 100, 1)} % |`)].join('\n') : '';
  const txTable = transactionCosts(rows);
  console.log(`\n${header}\n\n${table}\n${bootTable}\n${memTable}\n${txTable}`);
  const dir = path.resolve(__dirname, flag('out', 'results'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'results.md'), `# Rondo benchmark results\n\n${header}\n\n![ratios](ratios.svg)\n\n${table}\n${bootTable}\n${memTable}\n${txTable}\n`);
  writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify({ when, machine, rounds: ROUNDS, duration: DURATION, connections: CONNECTIONS, rows, startup: boot, memory: mem, samples }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'ratios.svg'), renderSvg(rows, `Requests per server CPU-second, ratio to node:http — ${when.slice(0, 10)}, ${machine.cpu}, Node ${machine.node}`));
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  if (errors) console.log(`\nWARNING: ${errors} errors or non-2xx responses during the runs`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
