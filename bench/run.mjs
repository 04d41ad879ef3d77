// `make bench`: Switchboard beside its references on one machine, in one run.
//   direct  the mock called directly (no hop)
//   nginx   Debian's nginx as a plain reverse proxy in front of the same mock (one extra hop)
//   sb      the gateway in front of the mock; sb_obs the same with the SQLite observability store
//   portkey (--peers) the Portkey gateway (npm @portkey-ai/gateway), OpenAI provider + custom host
// Writes bench/results/latest.json and the generated part of docs/benchmarks.md.
// Everything targets 127.0.0.1; every load run is bounded in time.
import { chmodSync, mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort, startLogged, stop, waitFor, httpOk, readPortFile, rssKb, hwmKb, family, cpuMs, sumKb, run, firstLine,
} from './lib.mjs';
import { writeReport } from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = process.env.SB_BUILD_DIR ?? join(ROOT, 'build');
const PEERS = process.argv.includes('--peers');
const SECONDS = Number(process.env.SB_BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.SB_BENCH_WARMUP ?? 1);
const CONNS = Number(process.env.SB_BENCH_CONNECTIONS ?? 32);
const RATE_CONNS = 64; // open loop: enough idle connections that a due request rarely waits
const STREAM_CONNS = 64;
const HOLD_STREAMS = Number(process.env.SB_BENCH_HOLD_STREAMS ?? 5000);
const PORTKEY_VERSION = '1.15.2';
const RATE_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9];
// The p99 verdict: direct, nginx and the gateway interleaved in one open-loop run at the half rate,
// taking turns every HALF_SLICE_MS for HALF_SECONDS, so the box's slow moments reach all three
// alike (separate 5 s runs on this shared 2-core box differ more from each other than the targets do).
const HALF_SECONDS = Number(process.env.SB_BENCH_HALF_SECONDS ?? 30);
const HALF_SLICE_MS = 200;
const HALF_BLOCKS = 6;
const SIZES = [1024, 16 * 1024, 100 * 1024];

const work = mkdtempSync(join(tmpdir(), 'sb-bench-'));
const log = (...a) => console.log('[bench]', ...a);
const procs = [];
const results = { started_at: new Date().toISOString(), settings: { SECONDS, WARMUP, CONNS, RATE_CONNS, STREAM_CONNS, HOLD_STREAMS, HALF_SECONDS, HALF_SLICE_MS, HALF_BLOCKS } };

// --- the upstream models every target asks for (mock directives ride in the model string) ---
const UPSTREAM = {
  chat: 'bench',
  stream: 'bench;reply_words=200',
  hold: 'bench;reply_words=200;chunk_delay_ms=500', // 100 s streams, 2 frames/s each
};

function gatewayConfig(mockUrl, { observability }) {
  const model = (name, upstream) => `
[models.${name}]
routing = ["mock"]
[models.${name}.providers.mock]
type = "openai"
model_name = "${upstream}"
api_base = "${mockUrl}/v1"
api_key_location = "none"
`;
  // Explicit either way: unset means "on when a store can be opened".
  const obs = observability
    ? `
[gateway.observability]
enabled = true
backend = "sqlite"
sqlite_path = "${join(work, 'observability.sqlite')}"
`
    : `
[gateway.observability]
enabled = false
`;
  return `[gateway]
bind_address = "127.0.0.1:0"
${obs}
${model('bench', UPSTREAM.chat)}
${model('bench_stream', UPSTREAM.stream)}
${model('bench_hold', UPSTREAM.hold)}
`;
}

// The request body for a target: the same bytes everywhere but the model name.
function body(target, kind, size = 1024) {
  const model = target.models[kind];
  const base = { model, messages: [{ role: 'user', content: '' }] };
  if (kind !== 'chat') base.stream = true;
  const empty = JSON.stringify(base).length;
  const words = [];
  let len = 0;
  while (empty + len < size) {
    const w = `w${words.length % 1000}`;
    words.push(w);
    len += w.length + (words.length > 1 ? 1 : 0);
  }
  base.messages[0].content = words.join(' ').slice(0, Math.max(0, size - empty));
  const text = JSON.stringify(base);
  const file = join(work, `${target.name}-${kind}-${size}.json`);
  writeFileSync(file, text);
  return file;
}

// --- processes ----------------------------------------------------------------------------------
async function startMock() {
  const portFile = join(work, 'mock.port');
  // --request-log 0: the bench never reads the log, and 10,000 kept bodies (100 KB ones in the
  // size runs) made the mock's own RSS a gigabyte.
  const args = ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile, '--request-log', '0'];
  const p = startLogged(join(BUILD, 'switchboard-mock'), args, {
    logFile: join(work, 'mock.log'),
  });
  procs.push(p);
  const port = await waitFor(async () => readPortFile(portFile), { what: 'mock port' });
  return { proc: p, port, url: `http://127.0.0.1:${port}` };
}

async function startGateway(mockUrl, { observability = false, tag = 'sb' } = {}) {
  const dir = mkdtempSync(join(work, `${tag}-`));
  const configPath = join(dir, 'tensorzero.toml');
  writeFileSync(configPath, gatewayConfig(mockUrl, { observability }));
  const portFile = join(dir, 'port');
  const t0 = process.hrtime.bigint();
  const p = startLogged(join(BUILD, 'switchboard'), ['--config-file', configPath, '--port-file', portFile], {
    cwd: dir,
    env: { OPENAI_API_KEY: '' },
    logFile: join(dir, 'gateway.log'),
  });
  procs.push(p);
  const port = await waitFor(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`gateway exited:\n${readFileSync(p.logFile, 'utf8')}`);
      return readPortFile(portFile);
    },
    { what: 'gateway port', intervalMs: 1 },
  ).catch((e) => {
    throw new Error(`${e.message}\n${existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8') : ''}`);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => httpOk(`${url}/health`), { what: 'gateway health', intervalMs: 1 });
  const startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { proc: p, port, url, startupMs, dir, logFile: p.logFile };
}

async function startNginx(mockPort) {
  const dir = mkdtempSync(join(work, 'nginx-'));
  const port = await freePort();
  const conf = `
worker_processes auto;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 10m;
  client_body_buffer_size 128k;
  keepalive_requests 1000000;
  upstream mock {
    server 127.0.0.1:${mockPort};
    keepalive 512;
  }
  server {
    listen 127.0.0.1:${port} reuseport;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  chmodSync(work, 0o755); // nginx workers run as nobody when started by root
  chmodSync(dir, 0o777);
  const p = startLogged('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    logFile: join(dir, 'stdout.log'),
  });
  procs.push(p);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/_mock/health`)).ok, { what: 'nginx' });
  return { proc: p, port, conf };
}

// --- load ----------------------------------------------------------------------------------------
const SBLOAD = join(work, 'sbload');

async function wrk(target, file, { connections = CONNS, seconds = SECONDS } = {}) {
  const env = { SB_BODY: file, SB_HEADERS: target.headers.join('\n') };
  const script = join(ROOT, 'bench/wrk/post.lua');
  const url = `http://127.0.0.1:${target.port}${target.path}`;
  const base = ['-t1', `-c${connections}`, '-s', script, '--timeout', '10s'];
  if (WARMUP > 0) await run('wrk', [...base, `-d${Math.max(1, Math.round(WARMUP))}s`, url], { env });
  const pids = target.pids();
  const cpu0 = cpuMs(pids);
  const { stdout } = await run('wrk', [...base, `-d${seconds}s`, url], { env, timeoutMs: (seconds + 30) * 1000 });
  const cpu = cpuMs(pids) - cpu0;
  const line = stdout.split('\n').find((l) => l.startsWith('SBJSON '));
  const r = JSON.parse(line.slice(7));
  r.rps = r.requests / (r.duration_us / 1e6);
  r.errors_total = Object.values(r.errors).reduce((a, b) => a + b, 0);
  r.cpu_us_per_request = (cpu * 1000) / Math.max(1, r.requests);
  r.command = `SB_BODY=${file.split('/').pop()} wrk ${base.join(' ')} -d${seconds}s ${url}`.replace(ROOT + '/', '');
  return r;
}

async function sbload(target, file, opts) {
  const args = ['--port', String(target.port), '--path', target.path, '--body', file];
  for (const h of target.headers) args.push('-H', h);
  args.push('-c', String(opts.connections));
  if (opts.rate) args.push('--rate', String(Math.round(opts.rate)));
  if (opts.stream) args.push('--stream');
  if (opts.hold) args.push('--hold', '--hold-seconds', String(opts.holdSeconds ?? 3));
  if (opts.rssPid) args.push('--rss-pid', String(opts.rssPid));
  if (!opts.hold) args.push('-d', String(opts.seconds ?? SECONDS), '--warmup', String(opts.warmup ?? WARMUP));
  const pids = target.pids();
  const cpu0 = cpuMs(pids);
  const { stdout } = await run(SBLOAD, args, { timeoutMs: 120000 });
  const r = JSON.parse(stdout);
  r.cpu_us_per_request = ((cpuMs(pids) - cpu0) * 1000) / Math.max(1, r.completed);
  r.command = `sbload ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`.replace(work + '/', '');
  return r;
}

// Busy and total jiffies of the whole machine (/proc/stat's first line).
function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

// One open-loop run over several targets taking turns (sbload --port A,B,C): per-target
// percentiles over the whole window and over HALF_BLOCKS parts of it, each target's CPU per
// request, and how busy the whole machine was.
async function interleaved(list, rate, { seconds = HALF_SECONDS, blocks = HALF_BLOCKS } = {}) {
  const files = list.map((t) => body(t, 'chat'));
  const bytes = files.map((f) => readFileSync(f, 'utf8'));
  if (bytes.some((b) => b !== bytes[0]) || list.some((t) => t.headers.length)) {
    throw new Error('interleaved targets must take the same request');
  }
  const args = ['--port', list.map((t) => t.port).join(','), '--path', list[0].path, '--body', files[0]];
  args.push('-c', String(RATE_CONNS), '--rate', String(Math.round(rate)), '--slice-ms', String(HALF_SLICE_MS));
  args.push('--blocks', String(blocks), '-d', String(seconds), '--warmup', String(WARMUP));
  const cpu0 = list.map((t) => cpuMs(t.pids()));
  const box0 = cpuTimes();
  const { stdout } = await run(SBLOAD, args, { timeoutMs: (seconds + WARMUP + 60) * 1000 });
  const box1 = cpuTimes();
  const r = JSON.parse(stdout);
  const out = {
    rate,
    seconds: r.seconds,
    slice_ms: r.slice_ms,
    box_busy_percent: Math.round((100 * (box1.busy - box0.busy)) / Math.max(1, box1.total - box0.total)),
    loadgen_cpu_s: r.loadgen_cpu_s,
    command: `sbload ${args.join(' ')}`.replace(work + '/', ''),
    targets: {},
  };
  const all = r.targets.reduce((sum, d) => sum + d.completed, 0);
  list.forEach((t, i) => {
    const d = r.targets[i];
    // CPU is counted over warm-up and window, requests over the window alone: scale to match. The
    // mock (the direct target) serves every target's requests.
    const requests = (t.name === 'direct' ? all : d.completed) * ((seconds + WARMUP) / seconds);
    d.cpu_us_per_request = ((cpuMs(t.pids()) - cpu0[i]) * 1000) / Math.max(1, requests);
    out.targets[t.name] = d;
  });
  return out;
}

// --- scenarios ------------------------------------------------------------------------------------
async function main() {
  await run('cc', ['-O2', '-o', SBLOAD, join(ROOT, 'bench/sbload.c')]);
  const machine = {
    nproc: cpus().length,
    cpu_model: (await firstLine('sh', ['-c', "lscpu | sed -n 's/^Model name: *//p'"])) || cpus()[0]?.model,
    kernel: await firstLine('uname', ['-r']),
    wrk: await firstLine('wrk', ['-v']),
    nginx: await firstLine('nginx', ['-v']),
    node: process.version,
    switchboard: await firstLine(join(BUILD, 'switchboard'), ['--version']),
    git: await firstLine('sh', ['-c', `cd ${ROOT} && git describe --always --dirty`]),
    ulimit_n: Number(await firstLine('sh', ['-c', 'ulimit -n'])),
    loadavg_start: loadavg()[0],
  };
  results.machine = machine;
  log('machine', JSON.stringify(machine));

  const mock = await startMock();
  const mockTarget = (name, port, extra = {}) => ({
    name,
    port,
    path: '/v1/chat/completions',
    headers: [],
    models: UPSTREAM,
    ...extra,
  });

  // Startup: five cold starts, spawn → /health 200; the last one stays up as the gateway under test.
  const startups = [];
  let sb;
  for (let i = 0; i < 5; ++i) {
    if (sb) await stop(sb.proc);
    sb = await startGateway(mock.url);
    startups.push(sb.startupMs);
  }
  results.startup_ms = { runs: startups, median: [...startups].sort((a, b) => a - b)[2] };
  const sbPid = sb.proc.child.pid;
  await httpOk(`${sb.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }] }),
  });
  results.rss_kb = { idle: rssKb(sbPid) };
  log('startup', results.startup_ms, 'idle rss kB', results.rss_kb.idle);

  const nginx = await startNginx(mock.port);
  const sbObs = await startGateway(mock.url, { observability: true, tag: 'sbobs' });
  const obsLog = readFileSync(sbObs.logFile, 'utf8');

  const targets = {
    direct: mockTarget('direct', mock.port, { pids: () => [mock.proc.child.pid] }),
    nginx: mockTarget('nginx', nginx.port, { pids: () => family(nginx.proc.child.pid) }),
    sb: mockTarget('sb', sb.port, {
      models: { chat: 'bench', stream: 'bench_stream', hold: 'bench_hold' },
      pids: () => [sbPid],
    }),
    sb_obs: mockTarget('sb_obs', sbObs.port, {
      models: { chat: 'bench', stream: 'bench_stream', hold: 'bench_hold' },
      pids: () => [sbObs.proc.child.pid],
    }),
  };

  let portkey = null;
  if (PEERS) portkey = await setUpPortkey(mock, targets);

  // 1. Saturation, non-streaming, by body size.
  results.saturation = {};
  for (const size of SIZES) {
    const names = size === 1024 ? ['direct', 'nginx', 'sb', 'sb_obs', ...(portkey ? ['portkey'] : [])] : ['direct', 'nginx', 'sb'];
    results.saturation[size] = {};
    for (const n of names) {
      const r = await wrk(targets[n], body(targets[n], 'chat', size));
      results.saturation[size][n] = r;
      log(`saturation ${size} B ${n}: ${r.rps.toFixed(0)} req/s, errors ${r.errors_total}`);
    }
  }
  const sbSat = results.saturation[1024].sb.rps;

  // 2. Fixed rate (open loop): latency by percentile, as overhead over the direct call. Each rate
  // is one interleaved run of the direct call, nginx and the gateway (SECONDS each in all); the
  // gateway with observability on, at half the rate, runs on its own (it cannot take the others').
  results.fixed_rate = [];
  for (const f of RATE_FRACTIONS) {
    const rate = Math.round(sbSat * f);
    const row = { fraction: f, rate };
    const mixed = await interleaved([targets.direct, targets.nginx, targets.sb], rate, { seconds: 3 * SECONDS, blocks: 1 });
    Object.assign(row, mixed.targets);
    row.box_busy_percent = mixed.box_busy_percent;
    row.command = mixed.command;
    if (f === 0.5) row.sb_obs = await sbload(targets.sb_obs, body(targets.sb_obs, 'chat'), { connections: RATE_CONNS, rate });
    for (const n of Object.keys(row).filter((k) => row[k]?.latency_us !== undefined)) {
      log(`rate ${rate}/s ${n}: p50 ${row[n].latency_us?.p50} p99 ${row[n].latency_us?.p99} us`);
    }
    results.fixed_rate.push(row);
  }
  const half = results.fixed_rate.find((x) => x.fraction === 0.5);
  results.half_interleaved = await interleaved([targets.direct, targets.nginx, targets.sb], half.rate);
  const hi = results.half_interleaved;
  log(`interleaved at ${half.rate}/s: p99 direct ${hi.targets.direct.latency_us?.p99} nginx ${hi.targets.nginx.latency_us?.p99} sb ${hi.targets.sb.latency_us?.p99} us, box ${hi.box_busy_percent}% busy`);
  if (portkey) {
    const pkSat = results.saturation[1024].portkey.rps;
    const rate = Math.max(1, Math.round(pkSat * 0.5));
    results.portkey_fixed_rate = { fraction: 0.5, rate };
    for (const n of ['direct', 'portkey']) {
      results.portkey_fixed_rate[n] = await sbload(targets[n], body(targets[n], 'chat'), { connections: RATE_CONNS, rate });
    }
  }

  // 3. Streaming: ~200-chunk streams, closed loop (chunks/s), then TTFT at half the stream saturation.
  results.streaming = {};
  const streamNames = ['direct', 'nginx', 'sb', 'sb_obs', ...(portkey?.streams ? ['portkey'] : [])];
  for (const n of streamNames) {
    const r = await sbload(targets[n], body(targets[n], 'stream'), { connections: STREAM_CONNS, stream: true });
    results.streaming[n] = r;
    log(`streaming ${n}: ${r.frames_per_s.toFixed(0)} frames/s, ${r.rps.toFixed(0)} streams/s, errors ${r.errors}`);
  }
  const streamRate = Math.max(1, Math.round(results.streaming.sb.rps * 0.5));
  results.streaming_ttft = { rate: streamRate };
  for (const n of ['direct', 'nginx', 'sb']) {
    results.streaming_ttft[n] = await sbload(targets[n], body(targets[n], 'stream'), {
      connections: STREAM_CONNS,
      stream: true,
      rate: streamRate,
    });
  }

  // 4. Where the gateway spends its CPU at saturation (perf, software clock: no PMU needed).
  results.profile = await profile(targets.sb, sbPid);

  // 5. Memory: peak so far, then many concurrent open streams held by the mock's chunk delay.
  results.rss_kb.peak_under_load = hwmKb(sbPid);
  results.rss_kb.nginx_idle_family = sumKb(family(nginx.proc.child.pid), rssKb);
  const hold = await sbload(targets.sb, body(targets.sb, 'hold'), {
    connections: HOLD_STREAMS,
    hold: true,
    holdSeconds: 3,
    rssPid: sbPid,
  });
  results.hold = hold;
  results.rss_kb.open_streams = hold.rss_kb_all_open;
  results.rss_kb.open_streams_max = hold.rss_kb_max;
  log(`hold ${HOLD_STREAMS}: ${hold.streams_with_content} streams open, rss ${hold.rss_kb_all_open} kB`);
  // After the clients left: the gateway should give the memory back to its idle level, roughly.
  await waitFor(async () => rssKb(sbPid) !== null, { what: 'gateway alive' });
  // The gateway hands freed memory back once a second after its connections dropped
  // (src/common/memory_trim.h): give it two.
  await new Promise((r) => setTimeout(r, 2000));
  results.rss_kb.after_hold = rssKb(sbPid);
  results.rss_kb.peak = hwmKb(sbPid);
  results.rss_kb.mock_peak = hwmKb(mock.proc.child.pid);
  results.rss_kb.obs_peak = hwmKb(sbObs.proc.child.pid);

  // 6. Observability: did the store write anything?
  const dbPath = join(work, 'observability.sqlite');
  results.observability = {
    config: '[gateway.observability] enabled = true, backend = "sqlite"',
    accepted: true,
    sqlite_bytes: existsSync(dbPath) ? statSync(dbPath).size : 0,
    startup_log_tail: obsLog.split('\n').slice(-5).join('\n'),
  };

  results.finished_at = new Date().toISOString();
  results.loadavg_end = loadavg()[0];
}

// perf record of the gateway while wrk saturates it; hot spots by self time and inclusive time.
async function profile(target, pid) {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const data = join(dir, 'perf.data');
  const file = body(target, 'chat');
  const env = { SB_BODY: file, SB_HEADERS: '' };
  const url = `http://127.0.0.1:${target.port}${target.path}`;
  const load = run('wrk', ['-t1', `-c${CONNS}`, '-s', join(ROOT, 'bench/wrk/post.lua'), '-d6s', url], { env });
  const record = ['record', '-e', 'cpu-clock', '-F', '999', '--call-graph', 'dwarf,8192', '-p', String(pid), '-o', data, '--', 'sleep', '4'];
  try {
    await run('perf', record, { timeoutMs: 60000 });
  } catch (e) {
    await load.catch(() => {});
    return { tool: 'perf', available: false, error: String(e.stderr || e).split('\n').slice(-3).join(' ') };
  }
  await load;
  const report = async (extra) =>
    (await run('perf', ['report', '-i', data, '--stdio', '-g', 'none', ...extra], { timeoutMs: 300000 })).stdout
      .split('\n')
      .map((l) => l.replace(/(\s+-){2}\s*$/, '').trimEnd()) // drop the empty IPC columns
      .join('\n');
  const self = await report(['--no-children', '-F', 'overhead,dso,sym', '--percent-limit', '0.5']);
  const inclusive = await report(['--children', '--sort', 'dso,sym', '--percent-limit', '1']);
  const byDso = await report(['--no-children', '--sort', 'dso', '--percent-limit', '0.5']);
  writeFileSync(
    join(dir, 'profile.txt'),
    `# perf ${record.join(' ')}\n\n# self time by object\n${byDso}\n\n# self time\n${self}\n\n# inclusive (children)\n${inclusive}\n`,
  );
  rmSync(data, { force: true });
  const lines = (text) => text.split('\n').filter((l) => /^\s+[0-9.]+%/.test(l)).map((l) => l.trim().split(/\s+/));
  const entry = (f, children) => ({
    percent: Number(f[0].replace('%', '')),
    self: Number((children ? f[1] : f[0]).replace('%', '')),
    dso: f[children ? 2 : 1],
    symbol: f.slice(children ? 4 : 3).join(' '),
  });
  const dsoShare = lines(byDso).map((f) => ({ percent: Number(f[0].replace('%', '')), dso: f.slice(1).join(' ') }));
  return {
    tool: 'perf record -e cpu-clock (dwarf call graphs), 4 s under wrk saturation',
    available: true,
    by_dso: dsoShare,
    self: lines(self).slice(0, 30).map((f) => entry(f, false)),
    inclusive: lines(inclusive).slice(0, 400).map((f) => entry(f, true)),
    command: `perf ${record.join(' ').replace(ROOT + '/', '')}` };
}

async function setUpPortkey(mock, targets) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-portkey-')); // throwaway install
  throwaway.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"private":true,"type":"module"}');
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir}`);
  await run('sh', ['-c', `cd '${dir}' && npm install --no-audit --no-fund --loglevel=error @portkey-ai/gateway@${PORTKEY_VERSION}`], {
    timeoutMs: 300000,
  });
  const port = await freePort();
  const p = startLogged(
    process.execPath,
    [join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'), `--port=${port}`, '--headless'],
    { cwd: dir, env: { NODE_ENV: 'production' }, logFile: join(work, 'portkey.log') },
  );
  procs.push(p);
  const headers = [
    'x-portkey-provider: openai',
    `x-portkey-custom-host: ${mock.url}/v1`,
    'Authorization: Bearer sk-bench',
  ];
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const ask = async (b) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...Object.fromEntries(headers.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 2)])),
      },
      body: JSON.stringify(b),
    });
    return { status: res.status, text: await res.text() };
  };
  await waitFor(async () => (await ask({ model: 'bench', messages: [{ role: 'user', content: 'hi' }] })).status === 200, {
    what: 'portkey answering through the mock',
    timeoutMs: 30000,
    intervalMs: 100,
  });
  const s = await ask({ model: UPSTREAM.stream, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const streams = s.status === 200 && s.text.includes('[DONE]');
  results.portkey = {
    version: PORTKEY_VERSION,
    streams,
    stream_probe: streams ? 'ok' : `HTTP ${s.status}: ${s.text.slice(0, 200)}`,
    log_excerpt: streams ? '' : (readFileSync(join(work, 'portkey.log'), 'utf8').match(/\w*Error: [^\n]*/) ?? [''])[0],
  };
  targets.portkey = { name: 'portkey', port, path: '/v1/chat/completions', headers, models: UPSTREAM, pids: () => [p.child.pid] };
  results.rss_kb.portkey_idle = rssKb(p.child.pid);
  return { dir, streams };
}

const throwaway = [work];
try {
  await main();
} finally {
  for (const p of procs.reverse()) await stop(p);
  if (!process.env.SB_BENCH_KEEP) for (const d of throwaway) rmSync(d, { recursive: true, force: true });
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(results, null, 2) + '\n');
writeReport(results, join(ROOT, 'docs/benchmarks.md'), { peers: PEERS });
log('wrote bench/results/latest.json and docs/benchmarks.md');
