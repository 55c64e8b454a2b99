'use strict';
/**
 * Rondo's benchmark runner. Each server runs in its own process pinned to CPU 0; this
 * runner (and autocannon inside it) pins itself to CPU 1. For every round, scenario and
 * server: warm up, then measure requests/s, p50/p99 latency and requests per server
 * CPU-second (utime+stime from /proc, since the load generator can saturate first).
 * Ratios compare each server with raw node:http in the same round; the medians of the
 * rounds are reported and written to results/.
 *
 *   node bench/run.js [--quick] [--rounds N] [--duration S] [--connections C]
 */
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? Number(args[at + 1]) : fallback;
};
const QUICK = args.includes('--quick');
const ROUNDS = flag('rounds', QUICK ? 1 : 3);
const DURATION = flag('duration', QUICK ? 2 : 5);
const WARMUP = QUICK ? 1 : 2;
const CONNECTIONS = flag('connections', 100);

const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.cpus().length >= 2;
if (HAS_TASKSET && !process.env.RONDO_BENCH_PINNED) {
  const child = spawnSync('taskset', ['-c', '1', process.execPath, __filename, ...args], { stdio: 'inherit', env: { ...process.env, RONDO_BENCH_PINNED: '1' } });
  process.exit(child.status ?? 1);
}

const SERVERS = [
  { name: 'node:http', file: 'node-http.js' },
  { name: 'rondo (bare)', file: 'rondo.js' },
];
const SCENARIOS = [
  { name: 'GET small JSON', path: '/json', expect: '{"hello":"world"}' },
  { name: 'GET /users/<int:id>', path: '/users/42', expect: '{"id":42}' },
];

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
}

function startServer(server) {
  const command = HAS_TASKSET ? 'taskset' : process.execPath;
  const argv = HAS_TASKSET ? ['-c', '0', process.execPath, path.join(__dirname, 'servers', server.file)] : [path.join(__dirname, 'servers', server.file)];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${server.name} did not print LISTENING within 10 s`)), 10_000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /LISTENING (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`${server.name} exited with ${code} before listening`)));
  });
}

async function check(port, scenario, server) {
  const response = await fetch(`http://127.0.0.1:${port}${scenario.path}`);
  const text = await response.text();
  if (response.status !== 200 || text !== scenario.expect) {
    throw new Error(`${server.name} answered ${scenario.path} with ${response.status} ${text}; expected ${scenario.expect}`);
  }
}

function load(port, scenario, duration) {
  return autocannon({ url: `http://127.0.0.1:${port}${scenario.path}`, connections: CONNECTIONS, duration });
}

async function measure(server, scenario, port, pid) {
  await check(port, scenario, server);
  await load(port, scenario, WARMUP);
  const before = cpuSeconds(pid);
  const result = await load(port, scenario, DURATION);
  const cpu = cpuSeconds(pid) - before;
  const ok = result.requests.total - result.non2xx - result.errors;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, perCpuSecond: cpu > 0 ? ok / cpu : 0, errors: result.errors + result.non2xx };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const machine = { cpu: os.cpus()[0].model, cores: os.cpus().length, node: process.version, loadavg: readFileSync('/proc/loadavg', 'utf8').trim(), pinned: HAS_TASKSET };
  console.log(`Rondo benchmarks: ${ROUNDS} round(s), ${DURATION} s per run, ${CONNECTIONS} connections; ${machine.cpu} x${machine.cores}, Node ${machine.node}, load ${machine.loadavg}`);
  const samples = {}; // scenario -> server -> [{...}]
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no server always runs on a warmer or cooler machine.
    const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length]);
    for (const server of order) {
      const { child, port } = await startServer(server);
      try {
        for (const scenario of SCENARIOS) {
          const sample = await measure(server, scenario, port, child.pid);
          ((samples[scenario.name] ??= {})[server.name] ??= []).push({ round, ...sample });
          console.log(`  round ${round + 1}  ${scenario.name.padEnd(22)} ${server.name.padEnd(14)} ${sample.rps.toFixed(0).padStart(7)} req/s  ${sample.perCpuSecond.toFixed(0).padStart(7)} req/CPU-s`);
        }
      } finally {
        child.kill('SIGTERM');
      }
    }
  }
  const rows = [];
  for (const scenario of SCENARIOS) {
    const byServer = samples[scenario.name];
    for (const server of SERVERS) {
      const list = byServer[server.name];
      const ratios = list.map((s) => s.perCpuSecond / byServer['node:http'][s.round].perCpuSecond);
      const rpsRatios = list.map((s) => s.rps / byServer['node:http'][s.round].rps);
      rows.push({
        scenario: scenario.name, server: server.name,
        rps: median(list.map((s) => s.rps)), p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)),
        perCpuSecond: median(list.map((s) => s.perCpuSecond)), ratio: median(ratios), rpsRatio: median(rpsRatios),
        errors: list.reduce((n, s) => n + s.errors, 0),
      });
    }
  }
  const table = [
    '| scenario | server | req/s | p50 ms | p99 ms | req per CPU-s | ratio to node:http (CPU-s) | ratio (req/s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.server} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.perCpuSecond.toFixed(0)} | ${r.ratio.toFixed(2)} | ${r.rpsRatio.toFixed(2)} |`),
  ].join('\n');
  const when = new Date().toISOString();
  const header = `Measured ${when} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, load average at start ${machine.loadavg}; ${ROUNDS} round(s) of ${DURATION} s, ${CONNECTIONS} connections, medians of rounds; server pinned to CPU 0 and autocannon to CPU 1: ${machine.pinned}.`;
  console.log(`\n${header}\n\n${table}`);
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'results.md'), `# Rondo benchmark results\n\n${header}\n\n${table}\n`);
  writeFileSync(path.join(__dirname, 'results', 'results.json'), `${JSON.stringify({ when, machine, rounds: ROUNDS, duration: DURATION, connections: CONNECTIONS, rows, samples }, null, 2)}\n`);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  if (errors) console.log(`\nWARNING: ${errors} errors or non-2xx responses during the runs`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
