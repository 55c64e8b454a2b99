'use strict';
/**
 * Instructions per request, counted by valgrind's callgrind: a repeatable measure on a
 * shared, noisy machine, where req/CPU-s of the same server swings 2x within minutes.
 * Each server runs under callgrind; autocannon (outside valgrind) warms it up, the
 * counters are zeroed (callgrind_control -z), a fixed number of requests is sent and the
 * counters dumped. Reported: instructions per request in JavaScript, V8 and node (all
 * threads), and the ratio node:http / server (so higher is better, 1.0 = node:http, and
 * it reads like the req/CPU-s ratios of run.js).
 *
 * Optimising-compiler work (TurboFan, counted by symbol) is reported apart and left out
 * of the ratio: it is a start-up cost that valgrind's ~50x slow-down can stretch into the
 * counted window (every server pays it once, early, at full speed). Cache misses and branch mispredictions are not
 * instructions: allocation-heavy code costs more time than this count says, so treat
 * this as the deterministic companion to run.js, not its replacement.
 *
 *   node bench/instructions.js [--only json,params,echo,full] [--servers rondo] [--n 5000] [--warm 15000] [--connections 10]
 *   (--servers keeps the servers whose names include one of the parts, plus node:http, the base)
 */
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const { writeFileSync, mkdirSync, readdirSync, mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { waitForListening, stop, seedCookie, checkAnswer, readDump } = require('./lib');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const N = Number(flag('n', 10000));
const WARM = Number(flag('warm', 15000));
const ONLY = flag('only', '') ? flag('only', '').split(',') : undefined;
const SERVER_FILTER = flag('servers', '') ? flag('servers', '').split(',') : undefined;
const CONNECTIONS = Number(flag('connections', 10));
// V8 flags for the servers under valgrind, e.g. --single-threaded (compiles on the main thread: repeatable on a busy machine).
const NODE_FLAGS = (process.env.INSTRUCTIONS_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const ECHO = JSON.stringify({ hello: 'world', list: [1, 2, 3] });
const SCENARIOS = [
  { key: 'json', name: 'GET small JSON', path: '/json', servers: ['node:http', 'fastify', 'rondo (bare)'] },
  { key: 'params', name: 'GET /users/<int:id>', path: '/users/42', servers: ['node:http', 'fastify', 'rondo (bare)'] },
  { key: 'echo', name: 'POST JSON echo', path: '/echo', method: 'POST', body: ECHO, servers: ['node:http', 'fastify', 'rondo (bare)'] },
  { key: 'full', name: 'session + CSRF + security headers', path: '/json-session', seed: true, servers: ['node:http', 'rondo (bare)', 'rondo (full stack)'] },
].filter((s) => !ONLY || ONLY.includes(s.key))
  .map((s) => ({ ...s, servers: s.servers.filter((name) => name === 'node:http' || !SERVER_FILTER || SERVER_FILTER.some((part) => name.includes(part))) }));

const SERVERS = {
  'node:http': { file: 'node-http.js' },
  fastify: { file: 'fastify.js' },
  'rondo (bare)': { file: 'rondo.js' },
  'rondo (full stack)': { file: 'rondo.js', env: { FULL: '1' } },
};

function startServer(name, scenario, outFile) {
  const server = SERVERS[name];
  const script = path.join(__dirname, 'dist/servers', server.file);
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, '--dump-line=no', '--dump-instr=no', process.execPath, ...NODE_FLAGS, script], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...server.env, ...scenario.env },
  });
  let errors = '';
  child.stderr.on('data', (chunk) => { errors = (errors + chunk).slice(-4000); });
  return waitForListening(child, `${name} (under valgrind)`, 120_000, () => `: ${errors}`).then((port) => ({ child, port }));
}

function send(port, scenario, amount, headers) {
  return new Promise((resolve, reject) => autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`, method: scenario.method ?? 'GET', body: scenario.body,
    headers: { 'content-type': 'application/json', ...headers }, connections: CONNECTIONS, amount, timeout: 60,
  }, (error, result) => {
    if (error) return reject(error);
    const failed = result.non2xx + result.errors + result.timeouts;
    return failed ? reject(new Error(`${failed} of ${amount} requests failed`)) : resolve(result);
  }));
}

async function measure(name, scenario, dir) {
  const outFile = path.join(dir, `${name.replace(/\W+/g, '-')}-${scenario.key}.out`);
  const { child, port } = await startServer(name, scenario, outFile);
  try {
    const headers = scenario.seed && name !== 'node:http' ? { cookie: await seedCookie(port) } : {};
    // One request from another client (fetch) first, as run.js checks the answer: V8's
    // feedback then settles early; with only autocannon's identical requests it was seen
    // re-optimising for 15,000+ requests under valgrind (~45k instructions per request).
    await checkAnswer(port, scenario, name, headers);
    await send(port, scenario, WARM, headers);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    await send(port, scenario, N, headers);
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    // The dump is <outFile>.<n>; the final dump at exit is not wanted.
    const dump = readdirSync(dir).map((f) => path.join(dir, f)).find((f) => f.startsWith(`${outFile}.`));
    const { total, compiler } = readDump(dump);
    return { total: total / N, compiler: compiler / N, instructions: (total - compiler) / N };
  } finally {
    await stop(child);
  }
}

async function main() {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('valgrind is not installed: skipped (apt-get install valgrind)');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rondo-callgrind-'));
  const rows = [];
  try {
    for (const scenario of SCENARIOS) {
      let base;
      for (const name of scenario.servers) {
        try {
          const result = await measure(name, scenario, dir);
          if (name === 'node:http') base = result.instructions;
          const ratio = base ? base / result.instructions : NaN;
          rows.push({ scenario: scenario.name, server: name, ...result, ratio });
          console.log(`  ${scenario.name.padEnd(36)} ${name.padEnd(20)} ${result.instructions.toFixed(0).padStart(8)} instr/req  ratio ${ratio.toFixed(2)}  (+${result.compiler.toFixed(0)} compiling)`);
        } catch (error) {
          console.log(`  ${scenario.name.padEnd(36)} ${name.padEnd(20)} FAILED: ${error.message}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, valgrind ${spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).stdout.trim()}`;
  const lines = [
    `# Instructions per request (callgrind), ${when} UTC`,
    '',
    `${machine}. ${WARM} warm-up requests, then ${N} counted, ${CONNECTIONS} connections. Ratio = node:http's instructions / the server's (higher is better).`,
    '',
    '| scenario | server | instructions/request | ratio to node:http | compiling (left out) |',
    '|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.server} | ${r.instructions.toFixed(0)} | ${r.ratio.toFixed(2)} | ${r.compiler.toFixed(0)} |`),
    '',
  ];
  const results = path.join(__dirname, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'instructions.md'), lines.join('\n'));
  writeFileSync(path.join(results, 'instructions.json'), JSON.stringify({ when, machine, warm: WARM, n: N, rows }, null, 2));
  console.log(`\n${lines.join('\n')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
