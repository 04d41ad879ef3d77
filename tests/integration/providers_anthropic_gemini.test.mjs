// Anthropic and Gemini through their native wire formats (switchboard-mock serves both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson, readSse, streamText } from './harness.mjs';

let mock;
let gw;

before(async () => {
  mock = await startMock();
  gw = await startGateway(
    `
[gateway]
bind_address = "127.0.0.1:0"

[models.claude]
routing = ["anthropic"]
[models.claude.providers.anthropic]
type = "anthropic"
model_name = "claude-sonnet-4-5"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_ANTHROPIC_KEY"

[models.claude_tools]
routing = ["anthropic"]
[models.claude_tools.providers.anthropic]
type = "anthropic"
model_name = "claude-tools;tool_call=1"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_ANTHROPIC_KEY"

[models.gemini]
routing = ["google"]
[models.gemini.providers.google]
type = "google_ai_studio_gemini"
model_name = "gemini-2.5-flash"
api_base = "{{MOCK}}/v1beta"
api_key_location = "env::SB_GEMINI_KEY"
`,
    { mock, env: { SB_ANTHROPIC_KEY: 'sk-ant-test', SB_GEMINI_KEY: 'g-test' } },
  );
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const hello = { messages: [{ role: 'system', content: 'Be nice.' }, { role: 'user', content: 'Hello there' }] };
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

for (const [model, upstream] of [['claude', 'claude-sonnet-4-5'], ['gemini', 'gemini-2.5-flash']]) {
  test(`${model}: a non-streaming answer comes back in OpenAI shape`, async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, { model, ...hello });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.choices[0].message.content, `Hello from ${upstream}! You said: Hello there`);
    assert.equal(r.json.choices[0].finish_reason, 'stop');
    assert.ok(r.json.usage.prompt_tokens > 0 && r.json.usage.completion_tokens > 0);
  });

  test(`${model}: a stream relays every word and ends with [DONE]`, async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, ...hello }),
    });
    assert.equal(res.status, 200);
    const events = await readSse(res);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(streamText(events), `Hello from ${upstream}! You said: Hello there`);
    assert.ok(events.at(-2).usage.completion_tokens > 0);
  });

  test(`${model}: reasoning effort asks for thinking and reasoning comes back`, async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, { model, reasoning_effort: 'low', ...hello });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.choices[0].message.reasoning_content?.length > 0, r.text);
  });
}

test('claude: the key goes in x-api-key with an anthropic-version, the system prompt in system', async () => {
  await postJson(`${gw.url}/v1/chat/completions`, { model: 'claude', ...hello });
  const seen = (await mock.requests('claude-sonnet-4-5')).at(-1);
  assert.equal(seen.path, '/v1/messages');
  assert.equal(seen.auth, 'sk-ant-test');
  assert.ok(seen.headers['anthropic-version']);
  assert.equal(seen.body.system, 'Be nice.');
  assert.ok(seen.body.max_tokens > 0);
});

test('gemini: the key goes in x-goog-api-key, never in the URL', async () => {
  await postJson(`${gw.url}/v1/chat/completions`, { model: 'gemini', ...hello });
  const seen = (await mock.requests('gemini-2.5-flash')).at(-1);
  assert.match(seen.path, /\/v1beta\/models\/gemini-2\.5-flash:generateContent$/);
  assert.equal(seen.auth, 'g-test');
  assert.doesNotMatch(seen.query ?? '', /key=/);
});

test('claude: tool_use comes back as an OpenAI tool call, streaming and not', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, {
    model: 'claude_tools',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [weatherTool],
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.choices[0].finish_reason, 'tool_calls');
  assert.equal(r.json.choices[0].message.tool_calls[0].function.name, 'get_weather');
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude_tools', stream: true, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] }),
  });
  let args = '';
  let name = '';
  for (const e of (await readSse(res)).filter((x) => x !== '[DONE]')) {
    for (const tc of e.choices?.[0]?.delta?.tool_calls ?? []) {
      name ||= tc.function?.name ?? '';
      args += tc.function?.arguments ?? '';
    }
  }
  assert.equal(name, 'get_weather');
  assert.doesNotThrow(() => JSON.parse(args));
});
