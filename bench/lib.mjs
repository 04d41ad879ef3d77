// Process, /proc and load-generator helpers for bench/run.mjs. Loopback only; every wait bounded.
import { spawn, execFile } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Spawns a long-running process with its output in `logFile`.
export function startLogged(bin, args, { env = {}, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, logFile };
}

export async function stop(proc, { timeoutMs = 10000 } = {}) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const r = await Promise.race([proc.exited, sleep(timeoutMs).then(() => null)]);
  if (r === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

// Polls until `probe` is truthy; throws after the deadline.
export async function waitFor(probe, { timeoutMs = 15000, intervalMs = 5, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export async function httpOk(url, init) {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.ok;
}

export function readPortFile(path) {
  if (!existsSync(path)) return null;
  const t = readFileSync(path, 'utf8').trim();
  return t ? Number(t) : null;
}

// --- /proc --------------------------------------------------------------------------------------
function statusField(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : null;
  } catch {
    return null;
  }
}
export const rssKb = (pid) => statusField(pid, 'VmRSS');
export const hwmKb = (pid) => statusField(pid, 'VmHWM');

// The process and its direct children (nginx: master + workers).
export function family(pid) {
  const pids = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (kids) pids.push(...kids.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return pids;
}

const CLK_TCK = 100;
// CPU time (user + system) in ms of the given pids.
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

export const sumKb = (pids, f) => pids.reduce((s, p) => s + (f(p) ?? 0), 0);

// --- load generators ---------------------------------------------------------------------------
export async function run(cmd, args, { env = {}, timeoutMs = 120000 } = {}) {
  const { stdout, stderr } = await execFileP(cmd, args, {
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout, stderr };
}

export async function firstLine(cmd, args) {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeoutMs: 10000 });
    return (stdout || stderr).split('\n')[0].trim();
  } catch (e) {
    return (e.stderr || e.stdout || String(e)).split('\n')[0].trim();
  }
}
