// Client disconnects cancel the upstream request; broken streams never look like success.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, waitFor, readSse, streamText } from './harness.mjs';

let mock;
let gw;

const provider = (model, upstream) => `
[models.${model}]
routing = ["p"]
[models.${model}.providers.p]
type = "openai"
model_name = "${upstream}"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(
    `
[gateway]
bind_address = "127.0.0.1:0"
${provider('slow_stream', 'slow-stream;reply_words=200;chunk_delay_ms=50')}
${provider('cut_stream', 'cut-stream;reply_words=20;cut_after=5')}
${provider('no_done', 'no-done;no_done=1')}
${provider('malformed', 'malformed;malformed_at=2')}
${provider('hanging', 'hanging;hang=1')}
`,
    { mock },
  );
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

function streamRequest(model, signal) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    signal,
  });
}

test('client disconnect mid-stream cancels the upstream request', async () => {
  const controller = new AbortController();
  const res = await streamRequest('slow_stream', controller.signal);
  const reader = res.body.getReader();
  await reader.read(); // the first bytes arrived
  controller.abort();
  const seen = await waitFor(
    async () => {
      const reqs = await mock.requests('slow-stream');
      return reqs.length && reqs.at(-1).outcome === 'client_closed' ? reqs : null;
    },
    { timeoutMs: 5000, what: 'the mock to see the gateway close the upstream stream' },
  );
  assert.equal(seen.at(-1).outcome, 'client_closed');
});

test('client disconnect while waiting for the first byte cancels the upstream request', async () => {
  const controller = new AbortController();
  const pending = streamRequest('hanging', controller.signal).catch(() => null);
  await waitFor(async () => (await mock.requests('hanging')).length > 0, { what: 'the request to reach the mock' });
  controller.abort();
  await pending;
  await waitFor(
    async () => (await mock.requests('hanging')).at(-1).outcome === 'client_closed',
    { timeoutMs: 5000, what: 'the upstream to be closed' },
  );
});

test('a stream cut after content ends with an error event and no [DONE]', async () => {
  const res = await streamRequest('cut_stream');
  assert.equal(res.status, 200);
  const events = await readSse(res);
  assert.notEqual(events.at(-1), '[DONE]');
  assert.ok(events.at(-1).error, JSON.stringify(events.at(-1)));
  assert.ok(streamText(events).length > 0);
});

test('a complete stream without [DONE] is finalised with [DONE]', async () => {
  const res = await streamRequest('no_done');
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.ok(streamText(events).length > 0);
});

test('a malformed chunk is skipped, not forwarded', async () => {
  const res = await streamRequest('malformed');
  const events = await readSse(res); // would throw on a malformed JSON frame
  assert.equal(events.at(-1), '[DONE]');
  assert.ok(streamText(events).length > 0);
});
