// Observability in ClickHouse (Debian's clickhouse-server, 18.16 on bookworm, started by
// scripts/clickhouse-test-server.sh on free ports with a throwaway data directory): complete rows,
// idempotent migrations, an outage in the middle of 2,000 requests, the spool replayed by a
// restarted gateway without duplicates, a full spool, retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, startMock, startGateway, postJson, readSse, waitFor } from './harness.mjs';

// Log lines are written asynchronously: poll for them.
const logged = (proc, pattern) => waitFor(() => pattern.test(proc.output.join('')), { what: `log ${pattern}` });

const SCRIPT = new URL('../../scripts/clickhouse-test-server.sh', import.meta.url).pathname;

let mock;
let dir;
let chDir;
let chPort;

const clickhouse = (cmd) => execFileSync(SCRIPT, [cmd, chDir], { encoding: 'utf8' }).trim();

async function ch(query) {
  const res = await fetch(`http://127.0.0.1:${chPort}/`, { method: 'POST', body: `${query} FORMAT JSON` });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return JSON.parse(text).data;
}
const count = async (query) => Number((await ch(query))[0].n);
// Polls until `query` returns at least `n` rows: tables are inserted one after another.
async function chRows(query, n = 1) {
  let last = [];
  await waitFor(async () => (last = await ch(query)).length >= n, { what: `${n} row(s) for ${query}` });
  return last;
}

const config = (database, extra = '', batch = 'flush_interval_ms = 50') => `
[gateway]
bind_address = "127.0.0.1:0"
[gateway.observability]
backend = "clickhouse"
spool_dir = "${join(dir, database)}.spool"
batch_writes = { ${batch} }
${extra}

[metrics.thumbs_up]
type = "boolean"
optimize = "max"
level = "inference"

[models.fast]
routing = ["p"]
[models.fast.providers.p]
type = "openai"
model_name = "ch-fast"
api_base = "{{MOCK}}/v1"
api_key_location = "none"

[models.chat]
routing = ["broken", "good"]
[models.chat.providers.broken]
type = "openai"
model_name = "ch-broken;status=500"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
retries = { num_retries = 0 }
[models.chat.providers.good]
type = "openai"
model_name = "ch-good;reasoning=1"
api_base = "{{MOCK}}/v1"
api_key_location = "none"

[models.down]
routing = ["p"]
[models.down.providers.p]
type = "openai"
model_name = "ch-down;status=503"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
retries = { num_retries = 0 }

[embedding_models.embed]
routing = ["oa"]
[embedding_models.embed.providers.oa]
type = "openai"
model_name = "ch-embed"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

const urlFor = (database, port = chPort) => `http://default@127.0.0.1:${port}/${database}`;

// A gateway that may start while its store is down (startGateway waits for /health 200).
async function startDetached(text, env) {
  const work = mkdtempSync(join(tmpdir(), 'sb-chgw-'));
  const configPath = join(work, 'tensorzero.toml');
  writeFileSync(configPath, text.replaceAll('{{MOCK}}', mock.url));
  const portFile = join(work, 'port');
  const child = spawn(join(BUILD, 'switchboard'), ['--config-file', configPath, '--port-file', portFile], {
    env: { ...process.env, ...env },
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  // 'close': the process is gone and its output fully read.
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const port = await waitFor(() => existsSync(portFile) && Number(readFileSync(portFile, 'utf8').trim()), {
    what: 'gateway port',
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(work, { recursive: true, force: true });
      return code;
    },
  };
}

const chat = (gw, model, content = 'hi clickhouse', extra = {}) =>
  postJson(`${gw.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content }], ...extra });

// Runs `total` requests, `concurrency` at a time; `onProgress(done)` after each.
async function load(gw, total, concurrency, onProgress = () => {}) {
  let next = 0;
  let done = 0;
  const statuses = new Map();
  const ids = [];
  async function worker() {
    while (next < total) {
      const i = next++;
      const r = await chat(gw, 'fast', `load ${i}`);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      ids.push(r.headers.get('x-inference-id'));
      done++;
      await onProgress(done);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { statuses, ids };
}

const segments = (spool) => (existsSync(spool) ? readdirSync(spool).filter((f) => f.endsWith('.spool')) : []);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-obs-ch-'));
  chDir = join(dir, 'clickhouse');
  chPort = Number(clickhouse('start'));
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
  if (chDir) clickhouse('kill');  // throwaway data: no need to wait for a clean shutdown
  rmSync(dir, { recursive: true, force: true });
});

test('rows arrive complete in ClickHouse: chat, stream, failure, fallback, embeddings, feedback', async () => {
  const gw = await startGateway(config('sb_rows'), { mock, env: { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_rows') } });
  try {
    await logged(gw, /observability exporter configured: backend=clickhouse/);
    await logged(gw, /successfully connected to ClickHouse/);

    const plain = await chat(gw, 'chat', 'hello rows', { 'tensorzero::tags': { user: 'ada' }, temperature: 0.2 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'stream rows' }] }),
    });
    const streamed = res.headers.get('x-inference-id');
    await readSse(res);
    const failed = await chat(gw, 'down');
    assert.equal(failed.status, 502);
    const emb = await postJson(`${gw.url}/v1/embeddings`, { model: 'embed', input: 'vector please' });
    assert.equal(emb.status, 200);
    const id = plain.headers.get('x-inference-id');
    const fb = await postJson(`${gw.url}/feedback`, { metric_name: 'thumbs_up', value: true, inference_id: id });
    assert.equal(fb.status, 200, fb.text);
    const wrong = await postJson(`${gw.url}/feedback`, { metric_name: 'thumbs_up', value: 0.7, inference_id: id });
    assert.equal(wrong.status, 400);

    await waitFor(async () => (await count('SELECT count() AS n FROM sb_rows.requests')) === 4, { what: '4 requests rows' });
    const [req] = await ch(`SELECT * FROM sb_rows.requests WHERE id = '${id}'`);
    assert.equal(req.episode_id, plain.headers.get('x-episode-id'));
    assert.equal(req.model, 'chat');
    assert.equal(req.provider, 'good');
    assert.equal(req.status, 'ok');
    assert.equal(Number(req.http_status), 200);
    assert.equal(req.output, plain.json.choices[0].message.content);
    assert.match(req.reasoning, /Let me think/);
    assert.equal(Number(req.prompt_tokens), plain.json.usage.prompt_tokens);
    assert.equal(Number(req.attempts), 2);
    assert.deepEqual(req.tag_keys, ['user']);
    assert.deepEqual(req.tag_values, ['ada']);
    assert.equal(req.ttft_ms, null);

    const [s] = await ch(`SELECT stream, ttft_ms, finish_reason FROM sb_rows.requests WHERE id = '${streamed}'`);
    assert.equal(Number(s.stream), 1);
    assert.ok(s.ttft_ms > 0);
    const failedId = failed.headers.get('x-inference-id');
    const [f] = await ch(`SELECT status, error_type, http_status FROM sb_rows.requests WHERE id = '${failedId}'`);
    assert.deepEqual([f.status, f.error_type, Number(f.http_status)], ['error', 'upstream_server_error', 502]);
    const [e] = await ch(`SELECT endpoint FROM sb_rows.requests WHERE id = '${emb.headers.get('x-inference-id')}'`);
    assert.equal(e.endpoint, 'embeddings');

    const attempts = await chRows(
      `SELECT attempt, provider, status, http_status FROM sb_rows.model_inferences
       WHERE request_id = '${id}' ORDER BY attempt`,
      2,
    );
    assert.deepEqual(attempts.map((a) => [Number(a.attempt), a.provider, a.status, Number(a.http_status)]), [
      [1, 'broken', 'error', 500],
      [2, 'good', 'ok', 200],
    ]);
    const [p] = await chRows(`SELECT temperature FROM sb_rows.inference_params WHERE request_id = '${id}'`);
    assert.equal(p.temperature, 0.2);
    await waitFor(async () => (await count('SELECT count() AS n FROM sb_rows.feedback')) === 1, { what: 'feedback row' });
    const [fr] = await ch('SELECT target_id, metric_type, value_float FROM sb_rows.feedback');
    assert.deepEqual([fr.target_id, fr.metric_type, fr.value_float], [id, 'boolean', 1]);

    const health = await fetch(`${gw.url}/health`);
    assert.equal(health.status, 200);
  } finally {
    await gw.stop();
  }
  // Migrations are versioned and idempotent: a second start applies nothing new.
  const again = await startGateway(config('sb_rows'), { mock, env: { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_rows') } });
  await again.stop();
  const versions = await ch('SELECT version FROM sb_rows.switchboard_migrations ORDER BY version');
  assert.deepEqual(versions.map((v) => Number(v.version)), [1, 2]);
  const partitions = await ch(
    "SELECT DISTINCT partition FROM system.parts WHERE database = 'sb_rows' AND table = 'requests'",
  );
  assert.match(String(partitions[0].partition), /^\d{6}$/);  // monthly
});

test('ClickHouse killed during 2,000 requests: every row arrives exactly once', async () => {
  const gw = await startGateway(config('sb_kill'), { mock, env: { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_kill') } });
  let sawUnhealthy = false;
  try {
    let killed = false;
    let restarted = false;
    const { statuses } = await load(gw, 2000, 16, async (done) => {
      if (done >= 400 && !killed) {
        killed = true;
        clickhouse('kill');
        const h = await waitFor(async () => {
          const r = await fetch(`${gw.url}/health`);
          return r.status === 503 ? r.json() : null;
        }, { what: 'health to report the outage' });
        assert.deepEqual(h, { status: 'error', message: 'ClickHouse connection failed' });
        sawUnhealthy = true;
      } else if (done >= 1200 && killed && !restarted) {
        restarted = true;
        clickhouse('start');
      }
    });
    // The outage never reached a client.
    assert.deepEqual([...statuses], [[200, 2000]]);
    await waitFor(async () => (await count('SELECT count() AS n FROM sb_kill.requests')) >= 2000, {
      timeoutMs: 60000,
      intervalMs: 250,
      what: '2000 rows after the restart',
    });
    await waitFor(async () => (await fetch(`${gw.url}/health`)).status === 200, { what: 'health back' });
    assert.equal(await count('SELECT count() AS n FROM sb_kill.requests'), 2000);
    assert.equal(await count('SELECT uniqExact(id) AS n FROM sb_kill.requests'), 2000);
    await waitFor(async () => (await count('SELECT count() AS n FROM sb_kill.model_inferences')) >= 2000, {
      what: 'attempt rows',
    });
    assert.equal(await count('SELECT count() AS n FROM sb_kill.model_inferences'), 2000);
    assert.equal(await count('SELECT count() AS n FROM sb_kill.inference_params'), 2000);
    await logged(gw, /ClickHouse write failed/);
    await logged(gw, /replaying the observability spool/);
  } finally {
    await gw.stop();
  }
  assert.ok(sawUnhealthy);
});

test('a gateway restarted with a non-empty spool replays it, and a replay twice stores nothing twice', async () => {
  const spool = join(dir, 'sb_replay.spool');
  // ClickHouse "down": nothing listens on this port.
  const first = await startDetached(config('sb_replay'), { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_replay', 1) });
  const ids = [];
  for (let i = 0; i < 30; i++) {
    const r = await chat(first, 'fast', `spooled ${i}`);
    assert.equal(r.status, 200);
    ids.push(r.headers.get('x-inference-id'));
  }
  const h = await fetch(`${first.url}/health`);
  assert.equal(h.status, 503);
  // Feedback on a recent inference needs no store (the in-memory index); an old id cannot be
  // checked while ClickHouse is down, and the gateway says so at once.
  const fb = await postJson(`${first.url}/feedback`, { metric_name: 'thumbs_up', value: true, inference_id: ids[0] });
  assert.equal(fb.status, 200, fb.text);
  const old = (Date.now() - 3600_000).toString(16).padStart(12, '0');
  const ghost = `${old.slice(0, 8)}-${old.slice(8)}-7000-8000-000000000001`;
  const unknown = await postJson(`${first.url}/feedback`, { metric_name: 'thumbs_up', value: true, inference_id: ghost });
  assert.equal(unknown.status, 503, unknown.text);
  await logged(first, /failed to connect to ClickHouse/);
  assert.equal(await first.stop(), 0);
  assert.ok(segments(spool).length > 0, 'the spool holds the batches');
  const copy = join(dir, 'sb_replay.copy');
  cpSync(spool, copy, { recursive: true });

  const second = await startGateway(config('sb_replay'), { mock, env: { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_replay') } });
  try {
    await waitFor(async () => (await count('SELECT count() AS n FROM sb_replay.requests')) >= 30, { what: 'replayed rows' });
    await waitFor(() => segments(spool).length === 0, { what: 'spool emptied' });
    await logged(second, /holds \d+ bytes not yet in the store/);
  } finally {
    await second.stop();
  }
  // The worst crash: the store took every batch but the spool forgot none of it.
  rmSync(spool, { recursive: true, force: true });
  cpSync(copy, spool, { recursive: true });
  const third = await startGateway(config('sb_replay'), { mock, env: { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_replay') } });
  try {
    await waitFor(() => segments(spool).length === 0, { what: 'spool replayed again' });
  } finally {
    await third.stop();
  }
  assert.equal(await count('SELECT count() AS n FROM sb_replay.requests'), 30);
  assert.equal(await count('SELECT count() AS n FROM sb_replay.model_inferences'), 30);
  assert.equal(await count('SELECT count() AS n FROM sb_replay.feedback'), 1);
  const stored = (await ch('SELECT toString(id) AS id FROM sb_replay.requests')).map((r) => r.id).sort();
  assert.deepEqual(stored, [...ids].sort());
});

test('a full spool drops rows, counts them and says so', async () => {
  const gw = await startDetached(config('sb_full', 'spool_max_bytes = 20000', 'flush_interval_ms = 5, max_rows = 1'), {
    TENSORZERO_CLICKHOUSE_URL: urlFor('sb_full', 1),
  });
  for (let i = 0; i < 40; i++) assert.equal((await chat(gw, 'fast', `full ${i}`)).status, 200);
  assert.equal(await gw.stop(), 0);
  const log = gw.output.join('');
  assert.match(log, /observability rows dropped: .*spool full/);
  const m = log.match(/observability stopped: rows_written=(\d+) rows_spooled=(\d+) rows_replayed=\d+ rows_dropped=(\d+)/);
  assert.ok(m, log);
  const [spooled, dropped] = [Number(m[2]), Number(m[3])];
  assert.ok(dropped > 0 && spooled > 0);
  assert.equal(spooled + dropped, 40 * 3);  // requests + inference_params + one attempt each
});

test('retention_months drops old monthly partitions', async () => {
  const env = { TENSORZERO_CLICKHOUSE_URL: urlFor('sb_retention') };
  const first = await startGateway(config('sb_retention'), { mock, env });
  await chat(first, 'fast', 'keep me');
  await waitFor(async () => (await count('SELECT count() AS n FROM sb_retention.requests')) === 1, { what: 'current row' });
  await first.stop();
  await fetch(`http://127.0.0.1:${chPort}/`, {
    method: 'POST',
    body:
      'INSERT INTO sb_retention.requests (id, timestamp, episode_id, model) VALUES ' +
      "('0190a6b2-0000-7000-8000-0000000000aa', toDateTime('2020-01-15 00:00:00'), " +
      "'0190a6b2-0000-7000-8000-0000000000bb', 'old')",
  });
  assert.equal(await count("SELECT count() AS n FROM sb_retention.requests WHERE model = 'old'"), 1);
  const second = await startGateway(config('sb_retention', 'retention_months = 2'), { mock, env });
  try {
    await waitFor(async () => (await count("SELECT count() AS n FROM sb_retention.requests WHERE model = 'old'")) === 0, {
      what: 'old partition dropped',
    });
    assert.equal(await count('SELECT count() AS n FROM sb_retention.requests'), 1);
    await logged(second, /dropped partitions requests 202001/);
  } finally {
    await second.stop();
  }
});
