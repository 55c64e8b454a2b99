'use strict';
const { readFileSync } = require('node:fs');
/** What run.js and instructions.js share: starting a server child, and the requests around a measurement. */

/**
 * Resolves with the port once `child` prints `LISTENING <port>`; rejects after `timeoutMs`
 * or when it exits first (`detail()` adds what it printed, when there is something to add).
 */
function waitForListening(child, name, timeoutMs, detail = () => '') {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print LISTENING within ${timeoutMs / 1000} s`)), timeoutMs);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /LISTENING (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening${detail()}`));
    });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** The session and CSRF cookies a browser would hold (GET /seed), as a Cookie header. */
async function seedCookie(port) {
  const response = await fetch(`http://127.0.0.1:${port}/seed`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** One request of the scenario; throws unless the server answers 2xx. */
async function checkAnswer(port, scenario, name, headers) {
  const response = await fetch(`http://127.0.0.1:${port}${scenario.path}`, { method: scenario.method ?? 'GET', body: scenario.body, headers: { 'content-type': 'application/json', ...headers } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${name} answered ${scenario.method ?? 'GET'} ${scenario.path} with ${response.status}`);
}

/** Self cost of every function in a callgrind dump, split into compiler and the rest. */
function readDump(file) {
  const names = new Map();
  let current = '';
  let afterCall = false;
  let total = 0;
  let compiler = 0;
  const isCompiler = (name) => name.includes('v8::internal::compiler::') || name.includes('v8::internal::maglev::');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) {
      const match = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (match[2] !== undefined) names.set(match[1], match[2]);
      current = names.get(match[1]) ?? '';
      continue;
    }
    if (line.startsWith('cfn=')) {
      const match = /^cfn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (match[2] !== undefined) names.set(match[1], match[2]);
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCall = true; // the next cost line is the call's inclusive cost, not self cost
      continue;
    }
    const c = line.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      if (afterCall) {
        afterCall = false;
        continue;
      }
      const cost = Number(line.split(' ')[1]);
      if (!Number.isFinite(cost)) continue;
      total += cost;
      if (isCompiler(current)) compiler += cost;
    }
  }
  return { total, compiler };
}

module.exports = { waitForListening, stop, seedCookie, checkAnswer, readDump };
