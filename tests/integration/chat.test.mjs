// OpenAI-compatible chat through configured models: answers, identity, resolution, passthrough.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson, readSse, streamText } from './harness.mjs';

let mock;
let gw;

const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"

[models.chat_a]
routing = ["primary"]
[models.chat_a.providers.primary]
type = "openai"
model_name = "upstream-a"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_TEST_KEY"

[providers.local]
type = "vllm"
base_url = "{{MOCK}}/v1"

[models.compact_chat]
provider = "local"
model = "gemma:2b"
type = "chat"

[models.compact_embed]
provider = "local"
model = "gemma:2b"
type = "embedding"

[models.twin_one]
provider = "local"
model = "twin-upstream"

[models.twin_two]
provider = "local"
model = "twin-upstream"

[models.dyn]
routing = ["p"]
[models.dyn.providers.p]
type = "openai"
model_name = "dyn-upstream"
api_base = "{{MOCK}}/v1"
api_key_location = "dynamic::customer_key"

[models.tools_model]
routing = ["p"]
[models.tools_model.providers.p]
type = "openai"
model_name = "tooler;tool_call=1;reasoning=1"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(CONFIG, { mock, env: { SB_TEST_KEY: 'sk-test-123', OPENAI_API_KEY: '' } });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const hello = { messages: [{ role: 'user', content: 'Hello there' }] };

test('non-streaming answer matches what the mock answers directly', async () => {
  const direct = await postJson(`${mock.url}/v1/chat/completions`, { model: 'upstream-a', ...hello });
  const viaGw = await postJson(`${gw.url}/v1/chat/completions`, { model: 'chat_a', ...hello });
  assert.equal(viaGw.status, 200, viaGw.text);
  assert.equal(viaGw.json.object, 'chat.completion');
  assert.equal(viaGw.json.choices[0].message.role, 'assistant');
  assert.equal(viaGw.json.choices[0].message.content, direct.json.choices[0].message.content);
  assert.equal(viaGw.json.choices[0].finish_reason, 'stop');
  assert.deepEqual(
    [viaGw.json.usage.prompt_tokens, viaGw.json.usage.completion_tokens, viaGw.json.usage.total_tokens],
    [direct.json.usage.prompt_tokens, direct.json.usage.completion_tokens, direct.json.usage.total_tokens],
  );
  // Who answered: the upstream-reported model in the body, the configured names in headers.
  assert.equal(viaGw.json.model, 'upstream-a');
  assert.equal(viaGw.headers.get('x-switchboard-model'), 'chat_a');
  assert.equal(viaGw.headers.get('x-switchboard-provider'), 'primary');
  assert.match(viaGw.headers.get('x-inference-id'), /^[0-9a-f-]{36}$/);
  assert.match(viaGw.headers.get('x-episode-id'), /^[0-9a-f-]{36}$/);
});

test('the configured key reaches the upstream as a bearer token', async () => {
  await postJson(`${gw.url}/v1/chat/completions`, { model: 'chat_a', ...hello });
  const seen = await mock.requests('upstream-a');
  assert.ok(seen.length > 0);
  assert.equal(seen.at(-1).auth, 'sk-test-123'); // the mock records the bearer token
  assert.equal(seen.at(-1).body.model, 'upstream-a');
});

test('streaming answer matches the mock stream and ends with [DONE]', async () => {
  const directRes = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'upstream-a', stream: true, ...hello }),
  });
  const direct = await readSse(directRes);
  const res = await fetch(`${gw.url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat_a', stream: true, stream_options: { include_usage: true }, ...hello }),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  assert.equal(res.headers.get('x-switchboard-provider'), 'primary');
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.equal(streamText(events), streamText(direct));
  assert.ok(streamText(events).length > 0);
  const chunks = events.filter((e) => e !== '[DONE]');
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, 'upstream-a');
    assert.equal(c.id, chunks[0].id);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const finish = chunks.find((c) => c.choices?.[0]?.finish_reason);
  assert.equal(finish.choices[0].finish_reason, 'stop');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.ok(usage.usage.completion_tokens > 0);
});

test('streaming without include_usage sends no usage chunk', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat_a', stream: true, ...hello }),
  });
  const events = await readSse(res);
  assert.equal(events.at(-1), '[DONE]');
  assert.ok(events.filter((e) => e !== '[DONE]').every((e) => !e.usage));
});

test('tensorzero::model_name:: prefix resolves a configured model', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'tensorzero::model_name::chat_a', ...hello });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-model'), 'chat_a');
});

test('a provider-side model name resolves to the one chat model that uses it', async () => {
  // spec §11.1 calls "gemma:2b"; both a chat and an embedding model use that name.
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'gemma:2b', ...hello });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-model'), 'compact_chat');
  assert.equal(r.json.model, 'gemma:2b');
});

test('a provider-side name shared by two chat models is a 400 naming both', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'twin-upstream', ...hello });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /twin_one/);
  assert.match(r.json.error.message, /twin_two/);
});

test('an unknown model is a 404 model_not_found listing what was tried', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'no-such-model', ...hello });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'model_not_found');
  assert.match(r.json.error.message, /no-such-model/);
  assert.match(r.json.error.message, /tried/);
});

test('an embedding model asked for chat is a 400', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'compact_embed', ...hello });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /embedding/);
});

test('a function name is a clear 400 until functions exist', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'tensorzero::function_name::haiku', ...hello });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /function/);
});

test('a shorthand model whose key is unset names the variable and contacts nobody', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'openai::gpt-4o', ...hello });
  assert.equal(r.status, 500, r.text);
  assert.match(r.json.error.message, /OPENAI_API_KEY/);
});

test('dynamic credentials come from tensorzero::credentials; missing is a 400', async () => {
  const ok = await postJson(`${gw.url}/v1/chat/completions`, {
    model: 'dyn',
    'tensorzero::credentials': { customer_key: 'sk-dynamic' },
    ...hello,
  });
  assert.equal(ok.status, 200, ok.text);
  const seen = await mock.requests('dyn-upstream');
  assert.equal(seen.at(-1).auth, 'sk-dynamic');
  const missing = await postJson(`${gw.url}/v1/chat/completions`, { model: 'dyn', ...hello });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error.message, /customer_key/);
});

test('parameters, tools and response_format are passed through to the upstream', async () => {
  const body = {
    model: 'chat_a',
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this image?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
        ],
      },
    ],
    temperature: 0.3,
    top_p: 0.9,
    max_tokens: 50,
    stop: ['END'],
    seed: 7,
    presence_penalty: 0.1,
    frequency_penalty: 0.2,
    user: 'u-1',
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    tool_choice: 'auto',
    response_format: { type: 'json_object' },
    some_unknown_field: { ignored: true },
  };
  const r = await postJson(`${gw.url}/v1/chat/completions`, body);
  assert.equal(r.status, 200, r.text);
  const sent = (await mock.requests('upstream-a')).at(-1).body;
  assert.equal(sent.temperature, 0.3);
  assert.equal(sent.top_p, 0.9);
  assert.equal(sent.max_completion_tokens ?? sent.max_tokens, 50);
  assert.deepEqual(sent.stop, ['END']);
  assert.equal(sent.seed, 7);
  assert.equal(sent.presence_penalty, 0.1);
  assert.equal(sent.frequency_penalty, 0.2);
  assert.equal(sent.user, 'u-1');
  assert.equal(sent.tools[0].function.name, 'get_weather');
  assert.equal(sent.tool_choice, 'auto');
  assert.deepEqual(sent.response_format, { type: 'json_object' });
  assert.equal(sent.messages[1].content[1].image_url.url, 'data:image/png;base64,iVBORw0KGgo=');
  assert.equal(sent.some_unknown_field, undefined);
});

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

test('tool calls and reasoning come back to the client', async () => {
  const r = await postJson(`${gw.url}/v1/chat/completions`, {
    model: 'tools_model',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [weatherTool],
  });
  assert.equal(r.status, 200, r.text);
  const msg = r.json.choices[0].message;
  assert.equal(r.json.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.tool_calls[0].type, 'function');
  assert.equal(msg.tool_calls[0].function.name, 'get_weather');
  assert.doesNotThrow(() => JSON.parse(msg.tool_calls[0].function.arguments));
  assert.ok(msg.reasoning_content.length > 0);
});

test('streamed tool-call deltas reassemble into the same call', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tools_model', stream: true, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] }),
  });
  const events = (await readSse(res)).filter((e) => e !== '[DONE]');
  const calls = {};
  let reasoning = '';
  for (const e of events) {
    const d = e.choices?.[0]?.delta ?? {};
    reasoning += d.reasoning_content ?? '';
    for (const tc of d.tool_calls ?? []) {
      calls[tc.index] ??= { name: '', args: '' };
      if (tc.function?.name) calls[tc.index].name = tc.function.name;
      calls[tc.index].args += tc.function?.arguments ?? '';
    }
  }
  assert.equal(calls[0].name, 'get_weather');
  assert.doesNotThrow(() => JSON.parse(calls[0].args));
  assert.ok(reasoning.length > 0);
  assert.equal(events.find((e) => e.choices?.[0]?.finish_reason).choices[0].finish_reason, 'tool_calls');
});

test('models list shows every configured model', async () => {
  for (const path of ['/v1/models', '/openai/v1/models']) {
    const res = await fetch(`${gw.url}${path}`);
    const json = await res.json();
    assert.equal(json.object, 'list');
    const ids = json.data.map((m) => m.id);
    for (const id of ['chat_a', 'compact_chat', 'compact_embed', 'dyn']) assert.ok(ids.includes(id), id);
  }
});

test('health and status answer', async () => {
  const h = await fetch(`${gw.url}/health`);
  assert.equal(h.status, 200);
  assert.deepEqual(await h.json(), { status: 'ok' });
  const s = await (await fetch(`${gw.url}/status`)).json();
  assert.equal(s.status, 'ok');
  assert.ok(s.version);
  assert.match(s.config_hash, /^[0-9a-f]+$/);
});
