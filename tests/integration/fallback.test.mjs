// Routing: providers in order, then fallback models; failures name every attempt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson, readSse, streamText } from './harness.mjs';

let mock;
let gw;

const provider = (model, name, upstream) => `
[models.${model}.providers.${name}]
type = "openai"
model_name = "${upstream}"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"

[models.two_routes]
routing = ["broken", "healthy"]
${provider('two_routes', 'broken', 'fb-broken;status=500')}
${provider('two_routes', 'healthy', 'fb-healthy')}

[models.all_down]
routing = ["a", "b"]
${provider('all_down', 'a', 'down-a;status=503')}
${provider('all_down', 'b', 'down-b;status=502')}

[models.primary_model]
routing = ["only"]
fallbacks = ["backup_model"]
${provider('primary_model', 'only', 'pm-refused;reset=1')}

[models.backup_model]
routing = ["only"]
${provider('backup_model', 'only', 'backup-upstream')}

[models.stream_fallback]
routing = ["first", "second"]
${provider('stream_fallback', 'first', 'sf-first;status=429')}
${provider('stream_fallback', 'second', 'sf-second')}

[models.filtered]
routing = ["first", "second"]
${provider('filtered', 'first', 'cf-first;error=content_filter')}
${provider('filtered', 'second', 'cf-second')}

[models.too_long]
routing = ["small", "big"]
${provider('too_long', 'small', 'ctx-small;error=context_length')}
${provider('too_long', 'big', 'ctx-big')}

[models.slow]
routing = ["sluggish", "quick"]
${provider('slow', 'sluggish', 'slow-a;delay_headers_ms=5000')}
${provider('slow', 'quick', 'slow-b')}
[models.slow.providers.sluggish.timeouts]
non_streaming = { total_ms = 300 }

[models.unreachable]
routing = ["closed", "open"]
[models.unreachable.providers.closed]
type = "openai"
model_name = "never"
api_base = "http://127.0.0.1:1/v1"
api_key_location = "none"
${provider('unreachable', 'open', 'reachable')}
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(CONFIG, { mock });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const ask = (model, extra = {}) =>
  postJson(`${gw.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }], ...extra });

test('a failing provider falls through to the next in routing order', async () => {
  const r = await ask('two_routes');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'healthy');
  assert.equal(r.json.model, 'fb-healthy');
  assert.equal((await mock.requests('fb-broken')).length >= 1, true);
  assert.equal((await mock.requests('fb-healthy')).length >= 1, true);
});

test('when every candidate fails the last status comes back and every attempt is named', async () => {
  const r = await ask('all_down');
  assert.equal(r.status, 502, r.text);
  assert.match(r.json.error.message, /all_down\/a/);
  assert.match(r.json.error.message, /all_down\/b/);
  assert.match(r.json.error.message, /503/);
  assert.match(r.json.error.message, /502/);
});

test('after its providers, a model falls back to its fallback models', async () => {
  const r = await ask('primary_model');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-model'), 'backup_model');
  assert.equal(r.json.model, 'backup-upstream');
});

test('a stream falls back before its first byte reaches the client', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'stream_fallback', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-switchboard-provider'), 'second');
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.ok(streamText(events).length > 0);
});

test('a content-policy rejection goes back to the caller, not to another provider', async () => {
  await mock.reset();
  const r = await ask('filtered');
  assert.equal(r.status, 400, r.text);
  assert.equal((await mock.requests('cf-second')).length, 0);
});

test('context length exceeded moves on to the next candidate', async () => {
  const r = await ask('too_long');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'big');
});

test('a provider timeout moves on to the next candidate', async () => {
  const started = Date.now();
  const r = await ask('slow');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'quick');
  assert.ok(Date.now() - started < 4000, 'did not wait for the slow provider');
});

test('a refused connection moves on to the next candidate', async () => {
  const r = await ask('unreachable');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'open');
});

test('a stream that fails on every candidate is a JSON error, not an empty stream', async () => {
  const r = await ask('all_down', { stream: true });
  assert.equal(r.status, 502);
  assert.match(r.json.error.message, /all_down\/b/);
});
