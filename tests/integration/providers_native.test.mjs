// Native provider codecs against switchboard-mock: Ollama /api/chat (NDJSON streaming, tools,
// images, thinking) and Azure OpenAI (deployment URL, api-version, api-key header).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson, readSse, streamText } from './harness.mjs';

let mock;
let gw;

const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"

[providers.ollama_local]
type = "ollama"
base_url = "{{MOCK}}"

[models.llama]
provider = "ollama_local"
model = "llama3.2"

[models.llama_tools]
provider = "ollama_local"
model = "llama3.2;tool_call=1"

[models.qwen]
provider = "ollama_local"
model = "qwen3"

[models.gptoss]
provider = "ollama_local"
model = "gpt-oss:20b"

[models.llama_down]
routing = ["p"]
[models.llama_down.providers.p]
type = "ollama"
model_name = "llama3.2;status=500"
api_base = "{{MOCK}}"
retries = { num_retries = 0 }

[models.azure_chat]
routing = ["az"]
[models.azure_chat.providers.az]
type = "azure"
deployment_id = "gpt4o-prod"
endpoint = "{{MOCK}}"
api_key_location = "env::SB_AZURE_KEY"
retries = { num_retries = 0 }

[providers.azure_res]
type = "azure"
endpoint = "env::SB_AZURE_ENDPOINT"
api_version = "2025-04-01-preview"

[models.azure_compact]
provider = "azure_res"
model = "mini-deploy"

[embedding_models.azure_embed]
routing = ["az"]
[embedding_models.azure_embed.providers.az]
type = "azure"
deployment_id = "te3-small"
endpoint = "{{MOCK}}/"
retries = { num_retries = 0 }
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(CONFIG, {
    mock,
    env: { SB_AZURE_KEY: 'az-secret-1', AZURE_API_KEY: 'az-default-2', SB_AZURE_ENDPOINT: mock.url },
  });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const chat = (body) => postJson(`${gw.url}/v1/chat/completions`, body);
const streamChat = async (body) => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  return { res, events: await readSse(res) };
};
const hello = [{ role: 'user', content: 'Hello there' }];
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

test('ollama: a non-streaming answer comes from native /api/chat with its token counts', async () => {
  const direct = await postJson(`${mock.url}/api/chat`, { model: 'llama3.2', messages: hello, stream: false });
  const r = await chat({ model: 'llama', messages: hello, temperature: 0.1, top_p: 0.5, max_tokens: 40, stop: ['END'], seed: 3 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.choices[0].message.content, direct.json.message.content);
  assert.equal(r.json.choices[0].finish_reason, 'stop');
  assert.equal(r.json.model, 'llama3.2');
  assert.equal(r.json.usage.prompt_tokens, direct.json.prompt_eval_count);
  assert.equal(r.json.usage.completion_tokens, direct.json.eval_count);
  assert.equal(r.headers.get('x-switchboard-model'), 'llama');
  assert.equal(r.headers.get('x-switchboard-provider'), 'ollama_local');
  const sent = (await mock.requests('llama3.2')).at(-1);
  assert.equal(sent.path, '/api/chat');
  assert.equal(sent.stream, false);
  assert.equal(sent.body.stream, false);
  assert.deepEqual(sent.body.options, { temperature: 0.1, top_p: 0.5, num_predict: 40, stop: ['END'], seed: 3 });
  assert.equal(sent.auth, null);
});

test('ollama: a streamed answer relays the NDJSON stream as SSE with usage', async () => {
  const direct = await postJson(`${mock.url}/api/chat`, { model: 'llama3.2', messages: hello, stream: false });
  const { res, events } = await streamChat({ model: 'llama', messages: hello, stream_options: { include_usage: true } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  assert.equal(res.headers.get('x-switchboard-provider'), 'ollama_local');
  assert.equal(events.at(-1), '[DONE]');
  assert.equal(streamText(events), direct.json.message.content);
  const chunks = events.filter((e) => e !== '[DONE]');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.ok(chunks.every((c) => c.model === 'llama3.2'));
  assert.equal(chunks.find((c) => c.choices?.[0]?.finish_reason).choices[0].finish_reason, 'stop');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.equal(usage.usage.prompt_tokens, direct.json.prompt_eval_count);
  assert.equal(usage.usage.completion_tokens, direct.json.eval_count);
  const sent = (await mock.requests('llama3.2')).at(-1);
  assert.equal(sent.stream, true);
  assert.equal(sent.body.stream, true);
});

test('ollama: tools go out OpenAI-shaped and calls come back with ids, streaming and not', async () => {
  const r = await chat({ model: 'llama_tools', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
  assert.equal(r.status, 200, r.text);
  const msg = r.json.choices[0].message;
  assert.equal(r.json.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.content, null);
  assert.equal(msg.tool_calls[0].type, 'function');
  assert.equal(msg.tool_calls[0].function.name, 'get_weather');
  assert.deepEqual(JSON.parse(msg.tool_calls[0].function.arguments), { location: 'Paris' });
  assert.ok(msg.tool_calls[0].id);
  const sent = (await mock.requests('llama3.2;tool_call')).at(-1);
  assert.equal(sent.body.tools[0].function.name, 'get_weather');

  const { events } = await streamChat({ model: 'llama_tools', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
  const calls = {};
  for (const e of events.filter((x) => x !== '[DONE]')) {
    for (const tc of e.choices?.[0]?.delta?.tool_calls ?? []) {
      calls[tc.index] ??= { id: '', name: '', args: '' };
      if (tc.id) calls[tc.index].id = tc.id;
      if (tc.function?.name) calls[tc.index].name = tc.function.name;
      calls[tc.index].args += tc.function?.arguments ?? '';
    }
  }
  assert.equal(calls[0].name, 'get_weather');
  assert.ok(calls[0].id);
  assert.deepEqual(JSON.parse(calls[0].args), { location: 'Paris' });
  const finish = events.find((e) => e !== '[DONE]' && e.choices?.[0]?.finish_reason);
  assert.equal(finish.choices[0].finish_reason, 'tool_calls');
});

test('ollama: a tool-call history is sent natively (object arguments, tool_name)', async () => {
  const r = await chat({
    model: 'llama',
    messages: [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '18C' },
    ],
    tools: [weatherTool],
  });
  assert.equal(r.status, 200, r.text);
  const sent = (await mock.requests('llama3.2')).at(-1).body;
  assert.deepEqual(sent.messages[1].tool_calls, [{ function: { name: 'get_weather', arguments: { location: 'Paris' } } }]);
  assert.deepEqual(sent.messages[2], { role: 'tool', content: '18C', tool_name: 'get_weather' });
});

test('ollama: data: URI images become base64 images; URLs are a clear 400', async () => {
  const ok = await chat({
    model: 'llama',
    messages: [{ role: 'user', content: [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ] }],
  });
  assert.equal(ok.status, 200, ok.text);
  const sent = (await mock.requests('llama3.2')).at(-1).body;
  assert.equal(sent.messages[0].content, 'What is this?');
  assert.deepEqual(sent.messages[0].images, ['iVBORw0KGgo=']);

  await mock.reset();
  const bad = await chat({
    model: 'llama',
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
  });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.param, 'messages[0].content[0].image_url.url');
  assert.match(bad.json.error.message, /data: URI/);
  assert.equal((await mock.requests()).length, 0); // nothing was sent upstream
});

test('ollama: reasoning_effort turns on think and thinking comes back as reasoning', async () => {
  const r = await chat({ model: 'qwen', messages: hello, reasoning_effort: 'high' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.choices[0].message.reasoning_content.length > 0);
  assert.equal((await mock.requests('qwen3')).at(-1).body.think, true);

  const { events } = await streamChat({ model: 'qwen', messages: hello, reasoning_effort: 'low' });
  const reasoning = events
    .filter((e) => e !== '[DONE]')
    .map((e) => e.choices?.[0]?.delta?.reasoning_content ?? '')
    .join('');
  assert.match(reasoning, /Let me think about this/);
  assert.ok(streamText(events).length > 0);

  const oss = await chat({ model: 'gptoss', messages: hello, reasoning_effort: 'high' });
  assert.equal(oss.status, 200, oss.text);
  assert.equal((await mock.requests('gpt-oss:20b')).at(-1).body.think, 'high');

  const none = await chat({ model: 'qwen', messages: hello });
  assert.equal(none.status, 200);
  assert.equal((await mock.requests('qwen3')).at(-1).body.think, undefined);
  assert.equal(none.json.choices[0].message.reasoning_content, undefined);
});

test('ollama: response_format maps to format', async () => {
  await chat({ model: 'llama', messages: hello, response_format: { type: 'json_object' } });
  assert.equal((await mock.requests('llama3.2')).at(-1).body.format, 'json');
  const schema = { type: 'object', properties: { a: { type: 'integer' } } };
  await chat({ model: 'llama', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });
  assert.deepEqual((await mock.requests('llama3.2')).at(-1).body.format, schema);
});

test('ollama: an upstream error is reported with the provider message', async () => {
  const r = await chat({ model: 'llama_down', messages: hello });
  assert.equal(r.status, 502, r.text);
  assert.match(r.json.error.message, /upstream returned 500/);
});

test('azure: chat goes to the deployment URL with api-version and the api-key header', async () => {
  await mock.reset();
  const r = await chat({ model: 'azure_chat', messages: hello });
  // The mock does not serve Azure's deployment paths: its 404 comes back, and its log shows
  // exactly what the gateway called.
  assert.equal(r.status, 404, r.text);
  assert.match(r.json.error.message, /upstream returned 404/);
  const [sent] = await mock.requests();
  assert.equal(sent.path, '/openai/deployments/gpt4o-prod/chat/completions');
  assert.equal(sent.query, 'api-version=2024-10-21');
  assert.equal(sent.headers['api-key'], 'az-secret-1');
  assert.equal(sent.headers.authorization, undefined);
  assert.equal(sent.body.model, 'gpt4o-prod');
  assert.deepEqual(sent.body.messages, hello);
});

test('azure: an env:: endpoint, a configured api_version and the default key variable', async () => {
  await mock.reset();
  await chat({ model: 'azure_compact', messages: hello, stream: true });
  const [sent] = await mock.requests();
  assert.equal(sent.path, '/openai/deployments/mini-deploy/chat/completions');
  assert.equal(sent.query, 'api-version=2025-04-01-preview');
  assert.equal(sent.headers['api-key'], 'az-default-2');
  assert.equal(sent.body.stream, true);
  assert.deepEqual(sent.body.stream_options, { include_usage: true });
});

test('azure: embeddings go to the deployment embeddings URL', async () => {
  await mock.reset();
  const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'azure_embed', input: ['a', 'b'], dimensions: 8 });
  assert.equal(r.status, 404, r.text);
  const [sent] = await mock.requests();
  assert.equal(sent.path, '/openai/deployments/te3-small/embeddings');
  assert.equal(sent.query, 'api-version=2024-10-21');
  assert.equal(sent.headers['api-key'], 'az-default-2');
  assert.deepEqual(sent.body.input, ['a', 'b']);
  assert.equal(sent.body.dimensions, 8);
});
