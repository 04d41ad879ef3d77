// Test harness: starts switchboard-mock and the gateway on free loopback ports, and stops them.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUILD = process.env.SB_BUILD_DIR ?? new URL('../../build', import.meta.url).pathname;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `probe` until it returns a truthy value or the deadline passes.
export async function waitFor(probe, { timeoutMs = 10000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function startProcess(bin, args, { env = {}, cwd } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-it-'));
  const portFile = join(dir, 'port');
  const child = spawn(bin, [...args, '--port-file', portFile], {
    env: { ...process.env, ...env },
    cwd: cwd ?? dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, dir, portFile, output, exited };
}

async function readPort(proc, name) {
  const port = await waitFor(
    () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`${name} exited early (${proc.child.exitCode}):\n${proc.output.join('')}`);
      }
      if (!existsSync(proc.portFile)) return null;
      const text = readFileSync(proc.portFile, 'utf8').trim();
      return text ? Number(text) : null;
    },
    { what: `${name} port` },
  );
  return port;
}

async function stopProcess(proc) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), 15000)));
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  rmSync(proc.dir, { recursive: true, force: true });
  return result;
}

export async function startMock() {
  const proc = startProcess(join(BUILD, 'switchboard-mock'), ['--host', '127.0.0.1', '--port', '0']);
  const port = await readPort(proc, 'switchboard-mock');
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    async requests(modelPrefix) {
      const q = modelPrefix ? `?model=${encodeURIComponent(modelPrefix)}` : '';
      const res = await fetch(`${url}/_mock/requests${q}`);
      return res.json();
    },
    async reset() {
      await fetch(`${url}/_mock/reset`, { method: 'POST' });
    },
    stop: () => stopProcess(proc),
  };
}

// `config` is TOML text; "{{MOCK}}" is replaced by the mock's base URL (http://127.0.0.1:PORT).
export async function startGateway(config, { mock, env = {}, args = [] } = {}) {
  const text = mock ? config.replaceAll('{{MOCK}}', mock.url) : config;
  const dir = mkdtempSync(join(tmpdir(), 'sb-cfg-'));
  const configPath = join(dir, 'tensorzero.toml');
  writeFileSync(configPath, text);
  const proc = startProcess(join(BUILD, 'switchboard'), ['--config-file', configPath, ...args], { env });
  const port = await readPort(proc, 'switchboard');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.ok, { what: 'gateway health' });
  return {
    port,
    url,
    output: proc.output,
    child: proc.child,
    async stop() {
      const r = await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
      return r;
    },
  };
}

export async function postJson(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Reads a whole SSE response: returns the data payloads in order ("[DONE]" kept as a string).
export async function readSse(res) {
  const text = await res.text();
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) events.push(data === '[DONE]' ? data : JSON.parse(data));
  }
  return events;
}

export function streamText(events) {
  return events
    .filter((e) => e !== '[DONE]' && e.choices?.length)
    .map((e) => e.choices[0].delta?.content ?? '')
    .join('');
}

