// OpenAI-compatible embeddings: float and base64, batches, dimensions, resolution, fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, postJson } from './harness.mjs';

let mock;
let gw;

const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"

[embedding_models.te3]
routing = ["oa"]
[embedding_models.te3.providers.oa]
type = "openai"
model_name = "text-embedding-3-small"
api_base = "{{MOCK}}/v1"
api_key_location = "env::SB_TEST_KEY"

[providers.local_ollama]
type = "ollama"
base_url = "{{MOCK}}"

[models.ollama_embed]
provider = "local_ollama"
model = "nomic-embed-text"
type = "embedding"

[models.ollama_chat]
provider = "local_ollama"
model = "nomic-embed-text"
type = "chat"

[embedding_models.with_fallback]
routing = ["broken", "good"]
[embedding_models.with_fallback.providers.broken]
type = "openai"
model_name = "te-broken;status=500"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
retries = { num_retries = 0 }
[embedding_models.with_fallback.providers.good]
type = "ollama"
model_name = "all-minilm"
api_base = "{{MOCK}}"

[embedding_models.all_broken]
routing = ["first", "second"]
[embedding_models.all_broken.providers.first]
type = "openai"
model_name = "te-first;status=500"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
retries = { num_retries = 0 }
[embedding_models.all_broken.providers.second]
type = "ollama"
model_name = "te-second;status=503"
api_base = "{{MOCK}}"
retries = { num_retries = 0 }

[embedding_models.falls_back_to_model]
routing = ["down"]
fallbacks = ["te3"]
[embedding_models.falls_back_to_model.providers.down]
type = "openai"
model_name = "te-down;status=400"
api_base = "{{MOCK}}/v1"
api_key_location = "none"

[models.chat_only]
routing = ["p"]
[models.chat_only.providers.p]
type = "openai"
model_name = "gpt-x"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

before(async () => {
  mock = await startMock();
  gw = await startGateway(CONFIG, { mock, env: { SB_TEST_KEY: 'sk-embed-1' } });
});
after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const embed = (body, path = '/v1/embeddings') => postJson(`${gw.url}${path}`, body);

// Little-endian float32 bytes in base64 -> numbers.
function fromBase64(text) {
  const bytes = Buffer.from(text, 'base64');
  assert.equal(bytes.length % 4, 0);
  const out = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(bytes.readFloatLE(i));
  return out;
}

const f32 = (v) => v.map((x) => Math.fround(x));

test('float embeddings through an openai-type provider match the upstream as float32', async () => {
  const direct = await postJson(`${mock.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: 'hello world' });
  const r = await embed({ model: 'te3', input: 'hello world' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.object, 'list');
  assert.equal(r.json.data.length, 1);
  assert.deepEqual(Object.keys(r.json.data[0]).sort(), ['embedding', 'index', 'object']);
  assert.equal(r.json.data[0].object, 'embedding');
  assert.equal(r.json.data[0].index, 0);
  assert.deepEqual(f32(r.json.data[0].embedding), f32(direct.json.data[0].embedding));
  assert.equal(r.json.model, 'text-embedding-3-small');
  assert.deepEqual(r.json.usage, {
    prompt_tokens: direct.json.usage.prompt_tokens,
    total_tokens: direct.json.usage.prompt_tokens,
  });
  assert.equal(r.headers.get('x-switchboard-model'), 'te3');
  assert.equal(r.headers.get('x-switchboard-provider'), 'oa');
  assert.match(r.headers.get('x-inference-id'), /^[0-9a-f-]{36}$/);
  assert.match(r.headers.get('x-episode-id'), /^[0-9a-f-]{36}$/);
  const sent = (await mock.requests('text-embedding-3-small')).at(-1);
  assert.equal(sent.path, '/v1/embeddings');
  assert.equal(sent.auth, 'sk-embed-1');
  assert.deepEqual(sent.body.input, ['hello world']);
  assert.equal(sent.body.encoding_format, undefined); // the gateway always asks for floats
});

test('base64 embeddings are little-endian float32 bytes of the same vector', async () => {
  const asFloat = await embed({ model: 'te3', input: ['one', 'two'] });
  const asB64 = await embed({ model: 'te3', input: ['one', 'two'], encoding_format: 'base64' });
  assert.equal(asB64.status, 200, asB64.text);
  assert.equal(asB64.json.data.length, 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(typeof asB64.json.data[i].embedding, 'string');
    assert.equal(asB64.json.data[i].index, i);
    assert.deepEqual(fromBase64(asB64.json.data[i].embedding), f32(asFloat.json.data[i].embedding));
  }
});

test('an ollama-type provider answers float and base64 from /api/embed', async () => {
  const direct = await postJson(`${mock.url}/api/embed`, { model: 'nomic-embed-text', input: ['hi there'] });
  const r = await embed({ model: 'ollama_embed', input: 'hi there' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(f32(r.json.data[0].embedding), f32(direct.json.embeddings[0]));
  assert.equal(r.json.model, 'nomic-embed-text');
  assert.equal(r.json.usage.prompt_tokens, direct.json.prompt_eval_count);
  assert.equal(r.headers.get('x-switchboard-provider'), 'local_ollama');
  const b = await embed({ model: 'ollama_embed', input: 'hi there', encoding_format: 'base64' });
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(fromBase64(b.json.data[0].embedding), f32(direct.json.embeddings[0]));
  const sent = (await mock.requests('nomic-embed-text')).at(-1);
  assert.equal(sent.path, '/api/embed');
});

test('a batch goes upstream in one request and comes back in input order', async () => {
  await mock.reset();
  const inputs = ['alpha', 'beta gamma', 'delta'];
  const batch = await embed({ model: 'ollama_embed', input: inputs });
  assert.equal(batch.status, 200, batch.text);
  assert.deepEqual(batch.json.data.map((d) => d.index), [0, 1, 2]);
  const seen = await mock.requests('nomic-embed-text');
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0].body.input, inputs);
  for (let i = 0; i < inputs.length; i++) {
    const single = await embed({ model: 'ollama_embed', input: inputs[i] });
    assert.deepEqual(batch.json.data[i].embedding, single.json.data[0].embedding);
  }
  const viaOpenAI = await embed({ model: 'te3', input: inputs });
  assert.equal(viaOpenAI.json.data.length, 3);
  assert.equal((await mock.requests('text-embedding-3-small')).length, 1);
});

test('dimensions is passed through to both families', async () => {
  for (const model of ['te3', 'ollama_embed']) {
    const r = await embed({ model, input: 'x', dimensions: 16 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data[0].embedding.length, 16);
  }
  const oa = (await mock.requests('text-embedding-3-small')).at(-1);
  const ol = (await mock.requests('nomic-embed-text')).at(-1);
  assert.equal(oa.body.dimensions, 16);
  assert.equal(ol.body.dimensions, 16);
});

test('both paths and the tensorzero::embedding_model_name:: prefix resolve', async () => {
  const r1 = await embed({ model: 'te3', input: 'x' }, '/openai/v1/embeddings');
  assert.equal(r1.status, 200, r1.text);
  const r2 = await embed({ model: 'tensorzero::embedding_model_name::te3', input: 'x' });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.headers.get('x-switchboard-model'), 'te3');
  // A provider-side name shared by a chat and an embedding model picks the embedding one.
  const r3 = await embed({ model: 'nomic-embed-text', input: 'x' });
  assert.equal(r3.status, 200, r3.text);
  assert.equal(r3.headers.get('x-switchboard-model'), 'ollama_embed');
});

test('a chat model asked for embeddings is a 400', async () => {
  const r = await embed({ model: 'chat_only', input: 'x' });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /chat model/);
  assert.equal(r.json.error.param, 'model');
  assert.ok(r.headers.get('x-inference-id'));
});

test('an unknown model is a 404', async () => {
  const r = await embed({ model: 'no-such-embedder', input: 'x' });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'model_not_found');
});

test('bad requests are 400s naming the field', async () => {
  const cases = [
    [{ model: 'te3' }, 'input'],
    [{ model: 'te3', input: [] }, 'input'],
    [{ model: 'te3', input: ['a', 5] }, 'input[1]'],
    [{ model: 'te3', input: [1, 2, 3] }, 'input[0]'],
    [{ model: 'te3', input: 'x', dimensions: 'big' }, 'dimensions'],
    [{ model: 'te3', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    [{ input: 'x' }, 'model'],
  ];
  for (const [body, param] of cases) {
    const r = await embed(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.param, param, JSON.stringify(body));
  }
  const tokens = await embed({ model: 'te3', input: [1, 2, 3] });
  assert.match(tokens.json.error.message, /token arrays are not supported/);
});

test('a failing provider falls back to the next one', async () => {
  await mock.reset();
  const r = await embed({ model: 'with_fallback', input: 'fall back please' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-model'), 'with_fallback');
  assert.equal(r.headers.get('x-switchboard-provider'), 'good');
  assert.equal(r.json.model, 'all-minilm');
  const broken = await mock.requests('te-broken');
  assert.equal(broken.length, 1);
  assert.equal(broken[0].status, 500);
});

test('a failing model falls back to its fallback model', async () => {
  const r = await embed({ model: 'falls_back_to_model', input: 'x' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-switchboard-model'), 'te3');
  assert.equal(r.headers.get('x-switchboard-provider'), 'oa');
});

test('when every candidate fails the error names every attempt', async () => {
  const r = await embed({ model: 'all_broken', input: 'x' });
  assert.equal(r.status, 502, r.text);
  assert.match(r.json.error.message, /all 2 attempts failed/);
  assert.match(r.json.error.message, /all_broken\/first \(openai\)/);
  assert.match(r.json.error.message, /all_broken\/second \(ollama\)/);
  assert.ok(r.headers.get('x-inference-id'));
  assert.equal(r.headers.get('x-switchboard-provider'), null);
});
