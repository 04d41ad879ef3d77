// Failover discipline (DESIGN §6): retries, Retry-After, timeouts, breakers, broken streams and
// mid-stream continuation. Each test asserts what the caller sees and what the upstream saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson, readSse, streamText, waitFor } from './harness.mjs';

let mock;
let gw;

// A model whose providers are served by the mock; each provider is [name, upstream model string, extra TOML].
function model(name, providers, extra = '') {
  let toml = `\n[models.${name}]\nrouting = [${providers.map(([p]) => `"${p}"`).join(', ')}]\n${extra}\n`;
  for (const [p, upstream, more = ''] of providers) {
    toml += `[models.${name}.providers.${p}]\ntype = "openai"\nmodel_name = "${upstream}"\napi_base = "{{MOCK}}/v1"\napi_key_location = "none"\n${more}\n`;
  }
  return toml;
}

const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"
circuit_breaker = { failure_threshold = 2, open_ms = 400 }
${model('rl_after', [['p', 'rl-after;status=429;retry_after=1;times=1']])}
${model('rl_plain', [['p', 'rl-plain;status=429;times=1']])}
${model('rl_long', [['a', 'rl-long;status=429;retry_after=30'], ['b', 'rl-long-b']])}
${model('once500', [['p', 'once500;status=500;times=1']])}
${model('down503', [['a', 'down503;status=503', 'retries = { num_retries = 2, max_delay_s = 0.05 }'], ['b', 'down503-b']])}
${model('reset_once', [['p', 'reset-once;reset=1;times=1']])}
${model('silent', [['a', 'silent;hang=1', 'timeouts = { non_streaming = { total_ms = 300 } }'], ['b', 'silent-b']])}
${model('slow_ttft', [['a', 'slow-ttft;delay_first_token_ms=3000', 'timeouts = { streaming = { ttft_ms = 300 } }'], ['b', 'slow-ttft-b']])}
${model('cut', [['p', 'cut;reply_words=20;cut_after=5']])}
${model('stall', [['p', 'stall;reply_words=20;stall_after=3', 'timeouts = { streaming = { idle_ms = 300 } }']])}
${model('continued', [['a', 'cont-a;reply_words=20;cut_after=5'], ['b', 'cont-b;reply_words=20', 'allow_prefill = true']])}
${model('cont_rejected', [['a', 'rej-a;reply_words=20;cut_after=5'], ['b', 'rej-b;reply_words=20;reject_prefill=1', 'allow_prefill = true']])}
${model('flappy', [['primary', 'flappy;status=503;times=4', 'retries = { num_retries = 0, max_delay_s = 0 }'], ['backup', 'flappy-backup']])}
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(CONFIG, { mock });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const ask = (m, extra = {}) =>
  postJson(`${gw.url}/v1/chat/completions`, { model: m, messages: [{ role: 'user', content: 'hi' }], ...extra });
const streamAsk = (m) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: m, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
const seen = async (prefix) => (await mock.requests(prefix)).length;
const FULL = Array.from({ length: 20 }, (_, i) => `w${i + 1}`).join(' ');

test('429 with Retry-After is retried on the same provider after the wait', async () => {
  const r = await ask('rl_after');
  assert.equal(r.status, 200, r.text);
  assert.equal(await seen('rl-after'), 2);
});

test('429 without Retry-After is retried with backoff', async () => {
  const r = await ask('rl_plain');
  assert.equal(r.status, 200, r.text);
  assert.equal(await seen('rl-plain'), 2);
});

test('a Retry-After beyond the budget fails over at once instead of waiting', async () => {
  const started = Date.now();
  const r = await ask('rl_long');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'b');
  assert.equal(await seen('rl-long;'), 1);
  assert.ok(Date.now() - started < 10000, 'did not wait 30 s');
});

test('a 500 once is absorbed by a retry', async () => {
  const r = await ask('once500');
  assert.equal(r.status, 200, r.text);
  assert.equal(await seen('once500'), 2);
});

test('a persistent 503 is retried num_retries times, then the fallback answers', async () => {
  const r = await ask('down503');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'b');
  assert.equal(await seen('down503;'), 3);
});

test('a reset before headers is retried', async () => {
  const r = await ask('reset_once');
  assert.equal(r.status, 200, r.text);
  assert.equal(await seen('reset-once'), 2);
});

test('no response at all times out and moves on without retrying the silent provider', async () => {
  const r = await ask('silent');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-provider'), 'b');
  assert.equal(await seen('silent;'), 1);
});

test('a slow first token moves a stream to the next candidate before any byte is sent', async () => {
  const res = await streamAsk('slow_ttft');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-switchboard-provider'), 'b');
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.equal(await seen('slow-ttft;'), 1);
});

test('a stream cut mid-answer with nowhere to continue ends with an error event, no [DONE]', async () => {
  const events = await readSse(await streamAsk('cut'));
  assert.notEqual(events.at(-1), '[DONE]');
  assert.ok(events.at(-1).error);
  assert.ok(streamText(events).length > 0);
});

test('a stalled stream ends with an error event after the idle timeout', async () => {
  const events = await readSse(await streamAsk('stall'));
  assert.notEqual(events.at(-1), '[DONE]');
  assert.match(events.at(-1).error.message, /stall|idle|timeout/i);
});

test('a cut stream is continued on a target that accepts prefill: the caller gets the whole answer', async () => {
  const res = await streamAsk('continued');
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.equal(streamText(events), FULL);
  const cont = (await mock.requests('cont-b')).at(-1);
  assert.equal(cont.body.messages.at(-1).role, 'assistant');
  assert.equal(cont.body.messages.at(-1).content, 'w1 w2 w3 w4 w5 ');
});

test('when the fallback rejects prefill the caller sees the original failure', async () => {
  const events = await readSse(await streamAsk('cont_rejected'));
  assert.notEqual(events.at(-1), '[DONE]');
  const message = events.at(-1).error.message;
  assert.doesNotMatch(message, /prefill/);
  assert.equal(await seen('rej-b'), 1);
});

test('a primary down for a while: breaker opens, fallback serves, probe, breaker closes', async () => {
  const providers = [];
  // Poll: keep asking until the primary answers again (it recovers after 4 failed requests).
  await waitFor(
    async () => {
      const r = await ask('flappy');
      assert.equal(r.status, 200, r.text); // the caller never sees the outage
      providers.push(r.headers.get('x-switchboard-provider'));
      return providers.at(-1) === 'primary';
    },
    { timeoutMs: 20000, intervalMs: 25, what: 'the primary to recover' },
  );
  const primaryCalls = await seen('flappy;');
  // 4 failures + 1 success reached the primary; every other request skipped it while open.
  assert.equal(primaryCalls, 5);
  assert.ok(providers.filter((p) => p === 'backup').length > 4, providers.join(','));
  const r = await ask('flappy');
  assert.equal(r.headers.get('x-switchboard-provider'), 'primary');
});
