// Operations contract (spec §4, §9.1, §10.2): /metrics after a mixed run, /health bodies,
// client API keys, JSON logs without secrets, log level control.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, startMock, startGateway, postJson, readSse, waitFor } from './harness.mjs';

const provider = (model, name, upstream, extra = '') => `
[models.${model}.providers.${name}]
type = "openai"
model_name = "${upstream}"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
${extra}`;

const model = (name, routing) => `
[models.${name}]
routing = [${routing.map((r) => `"${r}"`).join(', ')}]`;

// Every answer is three words; every question below is two ("one two"): prompt 2, completion 3.
const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"
${model('ops_ok', ['mock'])}
${provider('ops_ok', 'mock', 'ops-ok;reply_words=3')}
${model('ops_fb', ['broken', 'healthy'])}
${provider('ops_fb', 'broken', 'ops-broken;error=context_length')}
${provider('ops_fb', 'healthy', 'ops-healthy;reply_words=3')}
${model('ops_retry', ['flaky'])}
${provider('ops_retry', 'flaky', 'ops-flaky;status=503;times=1;reply_words=3', 'retries = { num_retries = 1, max_delay_s = 1 }')}
${model('ops_down', ['dead'])}
${provider('ops_down', 'dead', 'ops-dead;status=503', 'retries = { num_retries = 1, max_delay_s = 1 }')}
${model('ops_slow', ['mock'])}
${provider('ops_slow', 'mock', 'ops-slow;chunk_delay_ms=150;reply_words=6')}
`;

const QUESTION = [{ role: 'user', content: 'one two' }];

async function chat(gw, modelName, { stream = false, headers = {} } = {}) {
  const body = { model: modelName, messages: QUESTION };
  if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  if (!stream) return postJson(`${gw.url}/v1/chat/completions`, body, headers);
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const events = await readSse(res);
  return { status: res.status, headers: res.headers, events };
}

// A strict reader of the Prometheus text format 0.0.4: throws on anything Prometheus would
// refuse, and on inconsistent histograms. Returns Map(`name{labels}` as written → value).
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'exposition ends with a line feed');
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}`;
  const value = '(?:[+-]?Inf|NaN|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
  const sampleRe = new RegExp(`^(${name})(\\{(?:${label}(?:,${label})*,?)?\\})? (${value})(?: -?\\d+)?$`);
  const types = new Map();
  const samples = new Map();
  const seenFamilies = new Set();
  let current = null;
  const histograms = new Map(); // family → Map(labelsWithoutLe → {buckets:[[le,v]], count, sum})
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = line.match(new RegExp(`^# (HELP|TYPE) (${name})(?: (.*))?$`));
      if (!m) continue; // a comment
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]), where);
        assert.ok(!types.has(m[2]), `second TYPE: ${where}`);
        assert.ok(!seenFamilies.has(m[2]), `TYPE after samples: ${where}`);
        types.set(m[2], m[3]);
      } else {
        assert.doesNotMatch(m[3] ?? '', /\\(?![\\n])/, `bad escape in HELP: ${where}`);
      }
      continue;
    }
    const m = line.match(sampleRe);
    assert.ok(m, `not a valid sample: ${where}`);
    const key = m[1] + (m[2] ?? '');
    assert.ok(!samples.has(key), `duplicate series: ${where}`);
    const v = m[3] === '+Inf' || m[3] === 'Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    samples.set(key, v);
    let family = m[1];
    let suffix = '';
    for (const s of ['_bucket', '_sum', '_count']) {
      const base = m[1].slice(0, -s.length);
      if (m[1].endsWith(s) && types.get(base) === 'histogram') [family, suffix] = [base, s];
    }
    if (family !== current) {
      assert.ok(!seenFamilies.has(family), `family split in two: ${where}`);
      seenFamilies.add(family);
      current = family;
    }
    if (types.get(family) === 'histogram') {
      assert.ok(suffix, `histogram sample without suffix: ${where}`);
      const labels = [...(m[2] ?? '').matchAll(new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${labelValue})`, 'g'))];
      const le = labels.find((l) => l[1] === 'le');
      const id = labels.filter((l) => l[1] !== 'le').map((l) => l[0]).join(',');
      if (!histograms.has(family)) histograms.set(family, new Map());
      const series = histograms.get(family);
      if (!series.has(id)) series.set(id, { buckets: [], count: undefined, sum: undefined });
      const h = series.get(id);
      if (suffix === '_bucket') {
        assert.ok(le, `bucket without le: ${where}`);
        const bound = le[2] === '"+Inf"' ? Infinity : Number(JSON.parse(le[2]));
        const prev = h.buckets.at(-1);
        if (prev) {
          assert.ok(bound > prev[0], `le not increasing: ${where}`);
          assert.ok(v >= prev[1], `buckets not cumulative: ${where}`);
        }
        h.buckets.push([bound, v]);
      } else {
        assert.ok(!le, `le on ${suffix}: ${where}`);
        h[suffix.slice(1)] = v;
      }
    } else if (types.get(family) === 'counter') {
      assert.ok(v >= 0, `negative counter: ${where}`);
    }
  }
  for (const [family, series] of histograms) {
    for (const [id, h] of series) {
      assert.equal(h.buckets.at(-1)?.[0], Infinity, `${family}{${id}} has a +Inf bucket`);
      assert.equal(h.count, h.buckets.at(-1)[1], `${family}{${id}} _count equals the +Inf bucket`);
      assert.notEqual(h.sum, undefined, `${family}{${id}} has _sum`);
    }
  }
  return { samples, types };
}

// promtool (Debian package `prometheus`), when installed: the manual's names break two naming
// lints on purpose (no _total suffix; _count on a counter); anything else is a failure.
function promtoolCheck(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error?.code === 'ENOENT') return 'promtool not installed';
  const allowed =
    /^tensorzero_(request_count|error_count|token_usage) (counter metrics should have "_total" suffix|non-histogram and non-summary metrics should not have "_count" suffix)$/;
  const complaints = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !allowed.test(l.trim()));
  assert.deepEqual(complaints, [], `promtool check metrics (exit ${r.status})`);
  assert.ok(r.status === 0 || r.status === 3, `promtool exit ${r.status}`);
  return 'ok';
}

async function scrape(gw, headers = {}) {
  const res = await fetch(`${gw.url}/metrics`, { headers });
  const text = await res.text();
  return { res, text, ...parseExposition(text) };
}

// Starts the gateway without waiting for /health to be ok (for configs that are not ready).
async function startUnready(config, { env = {}, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ops-'));
  writeFileSync(join(dir, 'tensorzero.toml'), config);
  const portFile = join(dir, 'port');
  const child = spawn(
    join(BUILD, 'switchboard'),
    ['--config-file', join(dir, 'tensorzero.toml'), '--port-file', portFile, ...args],
    { env: { ...process.env, ...env }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await waitFor(
    () => {
      if (child.exitCode !== null) return -1;
      if (!existsSync(portFile)) return null;
      const t = readFileSync(portFile, 'utf8').trim();
      return t ? Number(t) : null;
    },
    { what: 'gateway port' },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

describe('metrics', () => {
  let mock;
  let gw;
  before(async () => {
    mock = await startMock();
    gw = await startGateway(CONFIG, { mock });
  });
  after(async () => {
    await gw?.stop();
    await mock?.stop();
  });

  test('/metrics counts a mixed run of successes, a stream, a retry, a fallback and an error', async () => {
    assert.equal((await chat(gw, 'ops_ok')).status, 200);
    assert.equal((await chat(gw, 'tensorzero::model_name::ops_ok')).status, 200);
    const streamed = await chat(gw, 'ops_ok', { stream: true });
    assert.equal(streamed.status, 200);
    assert.equal(streamed.events.at(-1), '[DONE]');
    const fb = await chat(gw, 'ops_fb');
    assert.equal(fb.status, 200, fb.text);
    assert.equal(fb.headers.get('x-switchboard-provider'), 'healthy');
    const retried = await chat(gw, 'ops_retry');
    assert.equal(retried.status, 200, retried.text);
    const down = await chat(gw, 'ops_down');
    assert.equal(down.status, 502, down.text);
    assert.equal((await chat(gw, 'no_such_model')).status, 404);

    // Records are published just after each reply went out: wait until all six are counted.
    const total = (s) =>
      [...s.samples].filter(([k]) => k.startsWith('switchboard_requests_total{')).reduce((a, [, n]) => a + n, 0);
    const { res, text, samples, types } = await waitFor(
      async () => {
        const s = await scrape(gw);
        return total(s) === 6 ? s : null;
      },
      { what: 'six counted requests' },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const v = (series) => samples.get(series);

    // Spec §4.2 names and types.
    assert.equal(types.get('tensorzero_request_duration_seconds'), 'histogram');
    assert.equal(types.get('tensorzero_request_count'), 'counter');
    assert.equal(types.get('tensorzero_token_usage'), 'counter');
    assert.equal(types.get('tensorzero_error_count'), 'counter');

    assert.equal(v('switchboard_requests_total{model="ops_ok",provider="mock",status="ok"}'), 3);
    assert.equal(v('switchboard_requests_total{model="ops_fb",provider="healthy",status="ok"}'), 1);
    assert.equal(v('switchboard_requests_total{model="ops_retry",provider="flaky",status="ok"}'), 1);
    assert.equal(v('switchboard_requests_total{model="none",provider="none",status="error"}'), 1);
    assert.equal(v('switchboard_errors_total{type="upstream_server_error"}'), 1);
    // The manual's spec-named series, with matching labels so its error-rate query
    // rate(tensorzero_error_count[5m]) / rate(tensorzero_request_count[5m]) finds pairs.
    assert.equal(v('tensorzero_request_count{model="ops_ok",provider="mock"}'), 3);
    assert.equal(v('tensorzero_request_count{model="none",provider="none"}'), 1);
    assert.equal(v('tensorzero_error_count{model="none",provider="none"}'), 1);
    for (const [series] of samples) {
      if (!series.startsWith('tensorzero_error_count{')) continue;
      const pair = series.replace('tensorzero_error_count', 'tensorzero_request_count');
      assert.ok(samples.has(pair), `no request series for ${series}`);
    }
    assert.equal(v('tensorzero_request_duration_seconds_count{model="ops_ok",provider="mock"}'), 3);
    assert.ok(v('tensorzero_request_duration_seconds_sum{model="ops_ok",provider="mock"}') > 0);

    // Tokens: 3 answers on ops_ok (stream included), one each on ops_fb and ops_retry.
    assert.equal(v('tensorzero_token_usage{model="ops_ok",kind="prompt"}'), 6);
    assert.equal(v('tensorzero_token_usage{model="ops_ok",kind="completion"}'), 9);
    assert.equal(v('tensorzero_token_usage{model="ops_ok",kind="reasoning"}'), 0);
    assert.equal(v('tensorzero_token_usage{model="ops_fb",kind="completion"}'), 3);

    // Ours: time to first token (the one stream), overhead, attempts, retries, fallbacks.
    assert.equal(v('switchboard_time_to_first_token_seconds_count{model="ops_ok",provider="mock"}'), 1);
    assert.equal(v('switchboard_gateway_overhead_seconds_count{model="ops_ok",provider="mock"}'), 3);
    assert.equal(v('switchboard_upstream_attempts_total{model="ops_ok",provider="mock",outcome="ok"}'), 3);
    assert.equal(
      v('switchboard_upstream_attempts_total{model="ops_fb",provider="broken",outcome="context_length_exceeded"}'),
      1,
    );
    assert.equal(v('switchboard_upstream_fallbacks_total{model="ops_fb",provider="healthy",outcome="ok"}'), 1);
    assert.equal(
      v('switchboard_upstream_attempts_total{model="ops_retry",provider="flaky",outcome="upstream_server_error"}'),
      1,
    );
    assert.equal(v('switchboard_upstream_retries_total{model="ops_retry",provider="flaky",outcome="ok"}'), 1);
    assert.equal(
      v('switchboard_upstream_attempts_total{model="ops_down",provider="dead",outcome="upstream_server_error"}'),
      2,
    );
    assert.equal(
      v('switchboard_upstream_retries_total{model="ops_down",provider="dead",outcome="upstream_server_error"}'),
      1,
    );
    assert.equal(v('switchboard_open_connections') >= 1, true);
    assert.equal(v('switchboard_in_flight_requests'), 1); // this scrape
    assert.equal(v('switchboard_in_flight_streams'), 0);
    assert.equal(v('switchboard_circuit_state{model="ops_ok",provider="mock"}') ?? 0, 0);
    assert.equal(types.get('switchboard_circuit_state'), 'gauge');
    assert.equal(v(`switchboard_build_info{version="${(await (await fetch(`${gw.url}/status`)).json()).version}"}`), 1);

    // Labels carry configured names only: never the client's model string.
    assert.doesNotMatch(text, /tensorzero::model_name|no_such_model/);
    promtoolCheck(text);
  });

  test('in-flight gauges see an open stream', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ops_slow', stream: true, messages: QUESTION }),
    });
    assert.equal(res.status, 200);
    const during = await scrape(gw);
    assert.equal(during.samples.get('switchboard_in_flight_streams'), 1);
    assert.equal(during.samples.get('switchboard_in_flight_requests'), 2);
    await readSse(res);
    const afterwards = await waitFor(async () => {
      const s = await scrape(gw);
      return s.samples.get('switchboard_in_flight_streams') === 0 ? s : null;
    }, { what: 'stream gauge back to 0' });
    assert.equal(afterwards.samples.get('switchboard_in_flight_requests'), 1);
  });

  test('the manual\'s PromQL inputs exist under their exact names', async () => {
    const { samples } = await scrape(gw);
    const names = new Set([...samples.keys()].map((k) => k.split('{')[0]));
    // histogram_quantile(0.95, rate(tensorzero_request_duration_seconds_bucket[5m]))
    assert.ok(names.has('tensorzero_request_duration_seconds_bucket'));
    // rate(tensorzero_request_count[5m]); rate(tensorzero_error_count[5m]) / rate(...)
    assert.ok(names.has('tensorzero_request_count'));
    assert.ok(names.has('tensorzero_error_count'));
    assert.ok(!names.has('tensorzero_request_count_total'));
  });
});

describe('health', () => {
  test('/health is 200 {"status":"ok"} byte for byte when models are configured; /status names the config', async () => {
    const mock = await startMock();
    const gw = await startGateway(CONFIG, { mock });
    try {
      const res = await fetch(`${gw.url}/health`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(await res.text(), '{"status":"ok"}');
      const status = await (await fetch(`${gw.url}/status`)).json();
      assert.equal(status.status, 'ok');
      assert.match(status.version, /^\d+\.\d+\.\d+/);
      assert.match(status.config_hash, /^[0-9a-f]{64}$/);
    } finally {
      await gw.stop();
      await mock.stop();
    }
  });

  test('/health is 503 with the spec\'s error body when no model provider is configured', async () => {
    const gw = await startUnready('[gateway]\nbind_address = "127.0.0.1:0"\n');
    try {
      assert.ok(gw.port > 0, gw.output.join(''));
      const res = await fetch(`${gw.url}/health`);
      assert.equal(res.status, 503);
      assert.equal(await res.text(), '{"status":"error","message":"no model provider is configured"}');
      assert.equal((await fetch(`${gw.url}/metrics`)).status, 200); // still scrapeable
    } finally {
      assert.equal(await gw.stop(), 0);
    }
  });
});

describe('auth', () => {
  let mock;
  let gw;
  const KEYS = { one: 'sb-key-one-7f3a', two: 'sb-key-two-91c2', rotated: 'sb-key-three-d40e' };
  before(async () => {
    mock = await startMock();
    gw = await startGateway(`${CONFIG}\n[gateway.auth]\nkeys = ["env::SB_OPS_ROTATED_KEY"]\n`, {
      mock,
      env: { TENSORZERO_API_KEY: `${KEYS.one}, ${KEYS.two}`, SB_OPS_ROTATED_KEY: KEYS.rotated },
    });
  });
  after(async () => {
    await gw?.stop();
    await mock?.stop();
  });

  const get = (path, headers = {}) => fetch(`${gw.url}${path}`, { headers });

  test('/health and /metrics stay open', async () => {
    assert.equal((await get('/health')).status, 200);
    assert.equal((await get('/metrics')).status, 200);
  });

  test('a missing key is a 401 in OpenAI\'s error shape, on every other endpoint', async () => {
    for (const path of ['/v1/models', '/openai/v1/models', '/status', '/no/such/path']) {
      const res = await get(path);
      assert.equal(res.status, 401, path);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      const body = await res.json();
      assert.equal(body.error.type, 'authentication_error');
      assert.equal(body.error.code, 'invalid_api_key');
      assert.match(body.error.message, /missing API key/);
    }
    const r = await chat(gw, 'ops_ok');
    assert.equal(r.status, 401);
    assert.equal((await mock.requests('ops-ok')).length, 0, 'nothing reached the provider');
  });

  test('a wrong key is a 401 that does not echo it', async () => {
    for (const headers of [{ authorization: 'Bearer sb-wrong-key' }, { 'x-api-key': 'sb-wrong-key' }]) {
      const r = await chat(gw, 'ops_ok', { headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.json.error.message, 'invalid API key');
      assert.doesNotMatch(r.text, /sb-wrong-key/);
    }
    // A valid key under another scheme is not a bearer token.
    const basic = await chat(gw, 'ops_ok', { headers: { authorization: `Basic ${KEYS.one}` } });
    assert.equal(basic.status, 401);
    assert.doesNotMatch(basic.text, /sb-key/);
  });

  test('every configured key works, as a bearer token or x-api-key, so keys can rotate', async () => {
    for (const key of Object.values(KEYS)) {
      const bearer = await chat(gw, 'ops_ok', { headers: { authorization: `Bearer ${key}` } });
      assert.equal(bearer.status, 200, bearer.text);
      const anthropicStyle = await chat(gw, 'ops_ok', { headers: { 'x-api-key': key } });
      assert.equal(anthropicStyle.status, 200, anthropicStyle.text);
    }
    const streamed = await chat(gw, 'ops_ok', { stream: true, headers: { authorization: `Bearer ${KEYS.two}` } });
    assert.equal(streamed.status, 200);
    assert.equal((await get('/v1/models', { authorization: `bearer ${KEYS.rotated}` })).status, 200);
  });

  test('without TENSORZERO_API_KEY or [gateway.auth] keys nothing is asked', async () => {
    const open = await startGateway(CONFIG, { mock, env: { TENSORZERO_API_KEY: '' } });
    try {
      assert.equal((await fetch(`${open.url}/v1/models`)).status, 200);
      assert.equal((await chat(open, 'ops_ok')).status, 200);
    } finally {
      await open.stop();
    }
  });

  test('a configured key that cannot be read stops the gateway at startup rather than run open', async () => {
    const gw2 = await startUnready(`${CONFIG.replaceAll('{{MOCK}}', mock.url)}\n[gateway.auth]\nkeys = ["env::SB_OPS_UNSET_KEY"]\n`, {
      env: { TENSORZERO_API_KEY: '', SB_OPS_UNSET_KEY: '' },
    });
    const code = await gw2.exited;
    assert.equal(code, 1);
    assert.match(gw2.output.join(''), /none of the listed keys could be read \(env::SB_OPS_UNSET_KEY\)/);
    await gw2.stop();
  });
});

describe('logs', () => {
  const SECRETS = {
    OPENAI_API_KEY: 'sk-ops-SECRET-provider-5d1f0e',
    TENSORZERO_API_KEY: 'sb-ops-SECRET-client-8b2c44',
  };
  const LOG_CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"
${model('ops_ok', ['mock'])}
[models.ops_ok.providers.mock]
type = "openai"
model_name = "ops-ok;reply_words=3"
api_base = "{{MOCK}}/v1"
api_key_location = "env::OPENAI_API_KEY"
${model('ops_down', ['dead'])}
${provider('ops_down', 'dead', 'ops-dead;status=503', 'retries = { num_retries = 1, max_delay_s = 1 }')}
`;

  test('--log-format json writes one JSON object per line with request fields and no secret', async () => {
    const mock = await startMock();
    const gw = await startGateway(LOG_CONFIG, { mock, env: SECRETS, args: ['--log-format', 'json'] });
    const auth = { authorization: `Bearer ${SECRETS.TENSORZERO_API_KEY}` };
    const ok = await chat(gw, 'ops_ok', { headers: auth });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await chat(gw, 'ops_down', { headers: auth })).status, 502);
    assert.equal((await chat(gw, 'ops_ok', { headers: { authorization: 'Bearer sb-ops-SECRET-wrong-771' } })).status, 401);
    // The provider did get its key: the gateway used it without logging it.
    assert.equal((await mock.requests('ops-ok'))[0].auth, SECRETS.OPENAI_API_KEY);
    await gw.stop();
    await mock.stop();

    const text = gw.output.join('');
    const lines = text.split('\n').filter((l) => l.trim());
    assert.ok(lines.length >= 3, text);
    const records = lines.map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        assert.fail(`not a JSON line: ${l}`);
      }
    });
    for (const r of records) {
      assert.equal(r.service, 'tensorzero-gateway');
      assert.ok(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'].includes(r.level), r.level);
      assert.equal(typeof r.message, 'string');
      assert.match(r.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    }
    const processed = records.find((r) => r.message.startsWith('request processed: '));
    assert.ok(processed, text);
    assert.equal(processed.level, 'INFO');
    assert.equal(processed.model, 'ops_ok');
    assert.equal(processed.provider, 'mock');
    assert.equal(processed.status, 200);
    assert.equal(typeof processed.latency_ms, 'number');
    assert.equal(processed.inference_id, ok.headers.get('x-inference-id'));
    assert.match(processed.message, /^request processed: model=ops_ok, provider=mock, status=200, latency_ms=\d+/);
    const failed = records.find((r) => r.message.startsWith('request failed: '));
    assert.ok(failed, text);
    assert.equal(failed.level, 'WARN');
    assert.equal(failed.status, 502);
    assert.ok(records.some((r) => r.message.startsWith('retrying request to provider')), text);

    for (const secret of [...Object.values(SECRETS), 'sb-ops-SECRET-wrong-771']) {
      assert.ok(!text.includes(secret), `the log carries ${secret.slice(0, 10)}...`);
    }
    assert.doesNotMatch(text, /SECRET/);
  });

  test('SWITCHBOARD_LOG and RUST_LOG set the level; a bad --log-level is a usage error', async () => {
    const mock = await startMock();
    const quiet = await startGateway(LOG_CONFIG, {
      mock,
      env: { ...SECRETS, SWITCHBOARD_LOG: 'warn', RUST_LOG: 'debug' },
      args: ['--log-format', 'json'],
    });
    const auth = { authorization: `Bearer ${SECRETS.TENSORZERO_API_KEY}` };
    assert.equal((await chat(quiet, 'ops_ok', { headers: auth })).status, 200);
    assert.equal((await chat(quiet, 'ops_down', { headers: auth })).status, 502);
    await quiet.stop();
    const quietText = quiet.output.join('');
    assert.doesNotMatch(quietText, /request processed/);
    assert.match(quietText, /request failed: model=ops_down/);

    const rust = await startGateway(LOG_CONFIG, {
      mock,
      env: { ...SECRETS, SWITCHBOARD_LOG: '', RUST_LOG: 'gateway=debug,tensorzero_core=info' },
    });
    await rust.stop();
    assert.doesNotMatch(rust.output.join(''), /unknown log level/);
    await mock.stop();

    const bad = spawnSync(join(BUILD, 'switchboard'), ['--log-level', 'loud', '--validate-config'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--log-level must be trace, debug, info, warn, error or off, not 'loud'/);
  });
});
