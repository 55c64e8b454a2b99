'use strict';
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

module.exports = { waitForListening, stop, seedCookie, checkAnswer };
