// Observability in the default store (SQLite): every inference recorded off the request path,
// complete; POST /feedback validated; SIGTERM flushes; retention; observability off.
// ClickHouse, outages and the spool: observability_clickhouse.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock, startGateway, postJson, readSse, streamText, waitFor } from './harness.mjs';

// Log lines are written asynchronously: poll for them.
const logged = (proc, pattern) => waitFor(() => pattern.test(proc.output.join('')), { what: `log ${pattern}` });

const SECRET = 'sk-test-observability-secret-1234567890';

let mock;
let gw;
let dir;
let db;

const provider = (model, name, upstream, extra = '') => `
[models.${model}.providers.${name}]
type = "openai"
model_name = "${upstream}"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_OBS_SECRET"
${extra}`;

const config = (dbPath, gateway = '', batch = 'flush_interval_ms = 20') => `
[gateway]
bind_address = "127.0.0.1:0"
[gateway.observability]
sqlite_path = "${dbPath}"
spool_dir = "${dbPath}.spool"
batch_writes = { ${batch} }
${gateway}

[metrics.thumbs_up]
type = "boolean"
optimize = "max"
level = "inference"
[metrics.quality]
type = "float"
optimize = "max"
level = "inference"
[metrics.solved]
type = "boolean"
optimize = "max"
level = "episode"

[models.chat]
routing = ["broken", "good"]
${provider('chat', 'broken', 'obs-broken;status=500', 'retries = { num_retries = 0 }')}
${provider('chat', 'good', 'obs-good;reasoning=1')}

[models.all_down]
routing = ["a"]
${provider('all_down', 'a', 'obs-down;status=503', 'retries = { num_retries = 0 }')}

[models.primary]
routing = ["only"]
fallbacks = ["backup"]
${provider('primary', 'only', 'obs-primary;status=502', 'retries = { num_retries = 0 }')}
[models.backup]
routing = ["only"]
${provider('backup', 'only', 'obs-backup')}

[models.tools]
routing = ["p"]
${provider('tools', 'p', 'obs-tools;tool_call=1')}

[embedding_models.embed]
routing = ["oa"]
[embedding_models.embed.providers.oa]
type = "openai"
model_name = "obs-embed"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_OBS_SECRET"
`;

function sql(query, file = db) {
  const out = execFileSync('sqlite3', ['-json', file, query], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

// Polls the store until `query` returns `n` rows (no sleeps as synchronisation).
async function rows(query, n = 1, file = db) {
  let last = [];
  await waitFor(
    () => {
      last = sql(query, file);
      return last.length >= n;
    },
    { timeoutMs: 10000, what: `${n} row(s) for ${query} (have ${last.length})` },
  );
  return last;
}

const chat = (body, headers) =>
  postJson(`${gw.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hello store' }], ...body }, headers);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-obs-'));
  db = join(dir, 'sb.db');
  mock = await startMock();
  gw = await startGateway(config(db), { mock, env: { SB_OBS_SECRET: SECRET } });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the log names the active store', async () => {
  await logged(gw, /observability exporter configured: backend=sqlite/);
});

test('a chat inference: one requests row, its params, one model_inferences row per attempt', async () => {
  const r = await chat(
    { model: 'chat', temperature: 0.3, max_tokens: 50, 'tensorzero::tags': { user: 'ada', team: 'x' } },
    { 'x-episode-id': '0190a6b2-0000-7000-8000-0000000000e1' },
  );
  assert.equal(r.status, 200);
  const id = r.headers.get('x-inference-id');
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.episode_id, '0190a6b2-0000-7000-8000-0000000000e1');
  assert.equal(req.endpoint, 'chat_completions');
  assert.equal(req.stream, 0);
  assert.equal(req.model_requested, 'chat');
  assert.equal(req.model, 'chat');
  assert.equal(req.provider, 'good');
  assert.equal(req.provider_type, 'openai');
  assert.equal(req.upstream_model, 'obs-good');
  assert.equal(req.status, 'ok');
  assert.equal(req.error_type, '');
  assert.equal(req.http_status, 200);
  assert.deepEqual(JSON.parse(req.input), [{ role: 'user', content: 'hello store' }]);
  assert.equal(req.output, r.json.choices[0].message.content);
  assert.match(req.reasoning, /Let me think/);
  assert.equal(req.finish_reason, 'stop');
  assert.equal(req.tool_calls, '[]');
  assert.equal(req.prompt_tokens, r.json.usage.prompt_tokens);
  assert.equal(req.completion_tokens, r.json.usage.completion_tokens);
  assert.ok(req.reasoning_tokens > 0);
  assert.equal(req.ttft_ms, null);
  assert.ok(req.latency_ms > 0);
  assert.ok(req.upstream_ms > 0 && req.upstream_ms <= req.latency_ms);
  assert.ok(Math.abs(req.overhead_ms - (req.latency_ms - req.upstream_ms)) < 0.01);
  assert.equal(req.attempts, 2);
  assert.deepEqual(JSON.parse(req.tags), { user: 'ada', team: 'x' });

  const [params] = await rows(`SELECT * FROM inference_params WHERE request_id = '${id}'`);
  assert.equal(params.temperature, 0.3);
  assert.equal(params.max_tokens, 50);
  assert.equal(params.model, 'chat');

  const attempts = await rows(`SELECT * FROM model_inferences WHERE request_id = '${id}' ORDER BY attempt`, 2);
  assert.deepEqual(
    attempts.map((a) => [a.attempt, a.provider, a.status, a.http_status, a.error_type]),
    [
      [1, 'broken', 'error', 500, 'upstream_server_error'],
      [2, 'good', 'ok', 200, ''],
    ],
  );
  assert.match(attempts[0].raw_request, /obs-broken/);
  assert.match(attempts[0].raw_response, /mock error 500/);
  assert.match(attempts[1].raw_response, /chat\.completion/);
  assert.equal(attempts[1].prompt_tokens, req.prompt_tokens);
  assert.equal(attempts[0].prompt_tokens, null);
});

test('secrets are never stored', async () => {
  const r = await chat({ model: 'chat' });
  const id = r.headers.get('x-inference-id');
  await rows(`SELECT id FROM model_inferences WHERE request_id = '${id}'`, 2);
  // The upstream got the key; no table has it.
  const seen = await mock.requests('obs-good');
  assert.ok(JSON.stringify(seen).includes(SECRET));
  for (const t of ['requests', 'inference_params', 'model_inferences', 'feedback']) {
    assert.ok(!JSON.stringify(sql(`SELECT * FROM ${t}`)).includes(SECRET), t);
  }
});

test('a streamed inference: time to first token, reasoning and usage', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'chat',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me' }],
    }),
  });
  const id = res.headers.get('x-inference-id');
  const events = await readSse(res);
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.stream, 1);
  assert.equal(req.output, streamText(events));
  assert.match(req.reasoning, /Let me think/);
  assert.ok(req.ttft_ms > 0 && req.ttft_ms <= req.latency_ms);
  assert.equal(req.completion_tokens, events.at(-2).usage.completion_tokens);
  assert.equal(req.finish_reason, 'stop');
});

test('tool calls, tools and response format are stored', async () => {
  const tools = [
    {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    },
  ];
  const r = await chat({ model: 'tools', tools, tool_choice: 'auto', response_format: { type: 'text' } });
  assert.equal(r.status, 200);
  const id = r.headers.get('x-inference-id');
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.finish_reason, 'tool_calls');
  assert.equal(JSON.parse(req.tool_calls)[0].function.name, 'get_weather');
  const [params] = await rows(`SELECT * FROM inference_params WHERE request_id = '${id}'`);
  assert.equal(JSON.parse(params.tools)[0].function.name, 'get_weather');
  assert.equal(JSON.parse(params.tool_choice), 'auto');
  assert.deepEqual(JSON.parse(params.response_format), { type: 'text' });
});

test('a failed inference: error row and its failed attempt', async () => {
  const r = await chat({ model: 'all_down' });
  assert.equal(r.status, 502);
  const id = r.headers.get('x-inference-id');
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.status, 'error');
  assert.equal(req.http_status, 502);
  assert.equal(req.error_type, 'upstream_server_error');
  assert.match(req.error, /503/);
  assert.equal(req.output, '');
  assert.equal(req.prompt_tokens, null);
  const [a] = await rows(`SELECT * FROM model_inferences WHERE request_id = '${id}'`);
  assert.equal(a.http_status, 503);
  assert.equal(a.status, 'error');
});

test('a fallback model: the answering model, and attempts on both models', async () => {
  const r = await chat({ model: 'primary' });
  assert.equal(r.status, 200);
  const id = r.headers.get('x-inference-id');
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.model_requested, 'primary');
  assert.equal(req.model, 'backup');
  const attempts = await rows(`SELECT model, status FROM model_inferences WHERE request_id = '${id}' ORDER BY attempt`, 2);
  assert.deepEqual(attempts, [
    { model: 'primary', status: 'error' },
    { model: 'backup', status: 'ok' },
  ]);
});

test('an embeddings inference is recorded with endpoint "embeddings"', async () => {
  const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'embed', input: ['one two', 'three'] });
  assert.equal(r.status, 200);
  const id = r.headers.get('x-inference-id');
  assert.ok(id, 'the embeddings response names its inference');
  const [req] = await rows(`SELECT * FROM requests WHERE id = '${id}'`);
  assert.equal(req.endpoint, 'embeddings');
  assert.equal(req.model, 'embed');
  assert.equal(req.status, 'ok');
  assert.equal(req.prompt_tokens, r.json.usage.prompt_tokens);
  assert.match(req.input, /one two/);
  await rows(`SELECT * FROM model_inferences WHERE request_id = '${id}'`);
});

test('tensorzero::dryrun is not stored', async () => {
  const dry = await chat({ model: 'chat', 'tensorzero::dryrun': true });
  assert.equal(dry.status, 200);
  const wet = await chat({ model: 'chat' });
  await rows(`SELECT id FROM requests WHERE id = '${wet.headers.get('x-inference-id')}'`);
  assert.deepEqual(sql(`SELECT id FROM requests WHERE id = '${dry.headers.get('x-inference-id')}'`), []);
});

// ---- feedback ---------------------------------------------------------------------------------

const feedback = (body) => postJson(`${gw.url}/feedback`, body);

test('feedback: a boolean metric on an inference is stored', async () => {
  const r = await chat({ model: 'chat' });
  const inference_id = r.headers.get('x-inference-id');
  const f = await feedback({ metric_name: 'thumbs_up', value: true, inference_id, tags: { source: 'ui' } });
  assert.equal(f.status, 200, f.text);
  assert.match(f.json.feedback_id, /^[0-9a-f-]{36}$/);
  const [row] = await rows(`SELECT * FROM feedback WHERE id = '${f.json.feedback_id}'`);
  assert.equal(row.target_id, inference_id);
  assert.equal(row.target_type, 'inference');
  assert.equal(row.metric_name, 'thumbs_up');
  assert.equal(row.metric_type, 'boolean');
  assert.equal(row.value, 'true');
  assert.equal(row.value_float, 1);
  assert.deepEqual(JSON.parse(row.tags), { source: 'ui' });
});

test('feedback: values are validated against [metrics.X]', async () => {
  const r = await chat({ model: 'chat' });
  const inference_id = r.headers.get('x-inference-id');
  const episode_id = r.headers.get('x-episode-id');
  const bad = await feedback({ metric_name: 'thumbs_up', value: 0.7, inference_id });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /boolean/);
  assert.equal((await feedback({ metric_name: 'quality', value: 0.7, inference_id })).status, 200);
  assert.equal((await feedback({ metric_name: 'quality', value: 'high', inference_id })).status, 400);
  assert.equal((await feedback({ metric_name: 'nope', value: 1, inference_id })).status, 404);
  // level decides the target
  assert.equal((await feedback({ metric_name: 'solved', value: true, inference_id })).status, 400);
  assert.equal((await feedback({ metric_name: 'solved', value: true, episode_id })).status, 200);
  assert.equal((await feedback({ metric_name: 'thumbs_up', value: true, episode_id })).status, 400);
  assert.equal((await feedback({ metric_name: 'thumbs_up', value: true, inference_id, episode_id })).status, 400);
  assert.equal((await feedback({ metric_name: 'thumbs_up', value: true })).status, 400);
  assert.equal((await feedback({ metric_name: 'thumbs_up', value: true, inference_id, extra: 1 })).status, 400);
  // reserved metrics
  const c = await feedback({ metric_name: 'comment', value: 'great answer', episode_id });
  assert.equal(c.status, 200);
  const [comment] = await rows(`SELECT * FROM feedback WHERE id = '${c.json.feedback_id}'`);
  assert.equal(comment.value, 'great answer');
  assert.equal(comment.target_type, 'episode');
  assert.equal((await feedback({ metric_name: 'comment', value: 3, inference_id })).status, 400);
  assert.equal((await feedback({ metric_name: 'demonstration', value: 'the answer', inference_id })).status, 200);
  assert.equal((await feedback({ metric_name: 'demonstration', value: 'x', episode_id })).status, 400);
});

test('feedback: an unknown target is a 404', async () => {
  // An id from an hour ago that no inference has.
  const old = (Date.now() - 3600_000).toString(16).padStart(12, '0');
  const ghost = `${old.slice(0, 8)}-${old.slice(8)}-7000-8000-000000000001`;
  const r = await feedback({ metric_name: 'thumbs_up', value: true, inference_id: ghost });
  assert.equal(r.status, 404);
  assert.match(r.json.error.message, /does not exist/);
  const e = await feedback({ metric_name: 'solved', value: true, episode_id: ghost });
  assert.equal(e.status, 404);
});

test('feedback: dryrun validates and answers but stores nothing', async () => {
  const r = await chat({ model: 'chat' });
  const inference_id = r.headers.get('x-inference-id');
  const dry = await feedback({ metric_name: 'thumbs_up', value: false, inference_id, dryrun: true });
  assert.equal(dry.status, 200);
  const wet = await feedback({ metric_name: 'thumbs_up', value: false, inference_id });
  await rows(`SELECT id FROM feedback WHERE id = '${wet.json.feedback_id}'`);
  assert.deepEqual(sql(`SELECT id FROM feedback WHERE id = '${dry.json.feedback_id}'`), []);
});

// ---- lifecycle ------------------------------------------------------------------------------

test('SIGTERM writes what is still queued; a restarted gateway finds old targets in the store', async () => {
  const file = join(dir, 'flush.db');
  const slow = await startGateway(
    config(file, '', 'flush_interval_ms = 600000, max_rows = 100000'),
    { mock, env: { SB_OBS_SECRET: SECRET } },
  );
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const r = await postJson(`${slow.url}/v1/chat/completions`, { model: 'backup', messages: [{ role: 'user', content: `n${i}` }] });
    ids.push(r.headers.get('x-inference-id'));
  }
  assert.deepEqual(sql('SELECT count(*) AS n FROM requests', file), [{ n: 0 }]);  // nothing flushed yet
  const exit = await slow.stop();
  assert.equal(exit.code, 0);
  assert.deepEqual(sql('SELECT count(*) AS n FROM requests', file), [{ n: 20 }]);
  await logged(slow, /observability stopped: rows_written=\d+/);

  // The new process has an empty index: the target is found in SQLite, off the worker thread.
  const again = await startGateway(config(file), { mock, env: { SB_OBS_SECRET: SECRET } });
  try {
    const f = await postJson(`${again.url}/feedback`, { metric_name: 'thumbs_up', value: true, inference_id: ids[3] });
    assert.equal(f.status, 200, f.text);
  } finally {
    await again.stop();
  }
});

test('retention_months drops rows of old months', async () => {
  const file = join(dir, 'retention.db');
  const first = await startGateway(config(file), { mock, env: { SB_OBS_SECRET: SECRET } });
  const body = { model: 'backup', messages: [{ role: 'user', content: 'keep me' }] };
  const r = await postJson(`${first.url}/v1/chat/completions`, body);
  const keep = r.headers.get('x-inference-id');
  await rows(`SELECT id FROM requests WHERE id = '${keep}'`, 1, file);
  await first.stop();
  // A row from January 2020.
  execFileSync('sqlite3', [
    file,
    "INSERT INTO requests (id, timestamp, model) VALUES ('0190a6b2-0000-7000-8000-0000000000aa', 1579046400, 'old')",
  ]);
  const second = await startGateway(config(file, 'retention_months = 3'), { mock, env: { SB_OBS_SECRET: SECRET } });
  try {
    await waitFor(() => sql("SELECT id FROM requests WHERE model = 'old'", file).length === 0, { what: 'old row dropped' });
    assert.equal(sql(`SELECT id FROM requests WHERE id = '${keep}'`, file).length, 1);
    await logged(second, /observability retention \(3 months\)/);
  } finally {
    await second.stop();
  }
});

test('observability.enabled = false: nothing recorded, feedback refused', async () => {
  const file = join(dir, 'off.db');
  const off = await startGateway(config(file, 'enabled = false'), { mock, env: { SB_OBS_SECRET: SECRET } });
  try {
    const body = { model: 'backup', messages: [{ role: 'user', content: 'x' }] };
    const r = await postJson(`${off.url}/v1/chat/completions`, body);
    assert.equal(r.status, 200);
    const inference_id = r.headers.get('x-inference-id');
    const f = await postJson(`${off.url}/feedback`, { metric_name: 'thumbs_up', value: true, inference_id });
    assert.equal(f.status, 400);
    assert.match(f.json.error.message, /requires observability/);
    await logged(off, /observability disabled/);
  } finally {
    await off.stop();
  }
  assert.equal(existsSync(file), false);
});
