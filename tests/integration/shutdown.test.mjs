// SIGTERM: stop accepting, let in-flight requests finish, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, readSse, streamText } from './harness.mjs';

test('SIGTERM drains an in-flight stream to [DONE] and exits 0', async () => {
  const mock = await startMock();
  const gw = await startGateway(
    `
[gateway]
bind_address = "127.0.0.1:0"
[models.slow]
routing = ["p"]
[models.slow.providers.p]
type = "openai"
model_name = "drain;reply_words=30;chunk_delay_ms=20"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`,
    { mock },
  );
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    const exited = new Promise((resolve) => gw.child.on('exit', (code) => resolve(code)));
    gw.child.kill('SIGTERM');
    const events = await readSse(res);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(streamText(events), Array.from({ length: 30 }, (_, i) => `w${i + 1}`).join(' '));
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${gw.url}/health`));
  } finally {
    await gw.stop();
    await mock.stop();
  }
});
