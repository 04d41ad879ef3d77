// Bad input always gets a clear OpenAI-shaped error with the right status, never a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startMock, startGateway, postJson } from './harness.mjs';

let mock;
let gw;

before(async () => {
  mock = await startMock();
  gw = await startGateway(
    `
[gateway]
bind_address = "127.0.0.1:0"
limits = { max_body_bytes = 65536 }

[models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "m-upstream"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`,
    { mock },
  );
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

function assertOpenAIError(r, status) {
  assert.equal(r.status, status, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  assert.equal(typeof r.json.error.type, 'string');
  assert.ok('code' in r.json.error);
}

const url = () => `${gw.url}/v1/chat/completions`;

test('malformed JSON is a 400', async () => {
  const r = await postJson(url(), '{"model": "m", "messages": [');
  assertOpenAIError(r, 400);
});

test('a body that is not an object is a 400', async () => {
  assertOpenAIError(await postJson(url(), '[1,2,3]'), 400);
});

test('missing messages is a 400 naming the field', async () => {
  const r = await postJson(url(), { model: 'm' });
  assertOpenAIError(r, 400);
  assert.equal(r.json.error.param, 'messages');
});

test('empty messages is a 400', async () => {
  assertOpenAIError(await postJson(url(), { model: 'm', messages: [] }), 400);
});

test('missing model is a 400', async () => {
  const r = await postJson(url(), { messages: [{ role: 'user', content: 'hi' }] });
  assertOpenAIError(r, 400);
  assert.equal(r.json.error.param, 'model');
});

test('wrong types are 400s naming the field', async () => {
  const cases = [
    [{ temperature: 'hot' }, 'temperature'],
    [{ max_tokens: -5 }, 'max_tokens'],
    [{ stream: 'yes' }, 'stream'],
    [{ messages: [{ role: 'wizard', content: 'hi' }] }, null],
    [{ messages: [{ role: 'user', content: 42 }] }, null],
    [{ tools: 'nope' }, 'tools'],
  ];
  for (const [patch, param] of cases) {
    const r = await postJson(url(), { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...patch });
    assertOpenAIError(r, 400);
    if (param) assert.equal(r.json.error.param, param, JSON.stringify(patch));
  }
});

test('an oversized body is a 413', async () => {
  const big = 'x'.repeat(70000);
  const r = await postJson(url(), { model: 'm', messages: [{ role: 'user', content: big }] });
  assertOpenAIError(r, 413);
});

test('deeply nested JSON is a 400, not a crash', async () => {
  const deep = '['.repeat(10000) + ']'.repeat(10000);
  const r = await postJson(url(), `{"model":"m","messages":[{"role":"user","content":"hi"}],"x":${deep}}`);
  assertOpenAIError(r, 400);
});

test('an unknown path is a 404 and a wrong method a 405', async () => {
  const r = await postJson(`${gw.url}/v1/nothing-here`, {});
  assertOpenAIError(r, 404);
  const res = await fetch(url());
  assert.equal(res.status, 405);
});

test('garbage on the socket gets a 400 and the gateway keeps serving', async () => {
  const reply = await new Promise((resolve, reject) => {
    const s = net.connect(gw.port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 400/);
  const ok = await postJson(url(), { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(ok.status, 200);
});

test('the gateway validates configs from the command line', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { BUILD } = await import('./harness.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'sb-validate-'));
  const good = join(dir, 'good.toml');
  const bad = join(dir, 'bad.toml');
  writeFileSync(good, '[models.a]\nrouting = ["p"]\n[models.a.providers.p]\ntype = "openai"\nmodel_name = "x"\n');
  writeFileSync(bad, '[models.a]\nrouting = ["p"]\nbogus_key = 1\n');
  const ok = spawnSync(join(BUILD, 'switchboard'), ['--validate-config', '--config-file', good]);
  assert.equal(ok.status, 0, ok.stdout.toString() + ok.stderr.toString());
  const fail = spawnSync(join(BUILD, 'switchboard'), ['--validate-config', '--config-file', bad]);
  assert.notEqual(fail.status, 0);
  assert.match(fail.stdout.toString() + fail.stderr.toString(), /bogus_key/);
});
