// The official OpenAI Node SDK's embeddings.create against the gateway: float and base64.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASES, client, embeddingName, hasRoute, startStack, upstreamRequestFor, uniqueMarker } from './setup.mjs';

const stack = await startStack();
after(async () => {
  await stack.stop();
});

// Probed once: the endpoint may not be in this build yet. Each test carries the skip, so the
// runner counts them as skipped.
const built = await hasRoute(stack.gw, '/v1/embeddings', { model: 'compat_embed', input: 'probe' });
const skip = built ? false : 'embeddings endpoint not built';

// What the mock answers when asked directly, with floats.
async function direct(input, extra = {}) {
  const res = await fetch(`${stack.mock.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'compat-embed', input, encoding_format: 'float', ...extra }),
  });
  return res.json();
}

function decodeBase64Floats(text) {
  const bytes = Buffer.from(text, 'base64');
  assert.equal(bytes.length % 4, 0);
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

const close = (a, b) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6, `component ${i}: ${x} vs ${b[i]}`));
};

for (const base of BASES) {
  for (const [spelling, name] of Object.entries(embeddingName)) {
    describe(`openai SDK embeddings, baseURL ${base}, ${spelling} model names`, () => {
      const sdk = () => client(stack.gw, base);

      test('encoding_format float returns the upstream vector', { skip }, async () => {
        const marker = uniqueMarker('float');
        const res = await sdk().embeddings.create({ model: name('compat_embed'), input: marker, encoding_format: 'float' });
        assert.equal(res.object, 'list');
        assert.equal(res.data.length, 1);
        assert.equal(res.data[0].object, 'embedding');
        assert.equal(res.data[0].index, 0);
        assert.ok(Array.isArray(res.data[0].embedding));
        close(res.data[0].embedding, (await direct(marker)).data[0].embedding);
        assert.ok(res.usage.prompt_tokens > 0);
        assert.equal(res.usage.total_tokens, res.usage.prompt_tokens);
        const seen = await upstreamRequestFor(stack.mock, 'compat-embed', marker);
        assert.equal(seen.path, '/v1/embeddings');
      });

      test('encoding_format base64 returns little-endian float32 bytes', { skip }, async () => {
        const marker = uniqueMarker('b64');
        const res = await sdk().embeddings.create({ model: name('compat_embed'), input: marker, encoding_format: 'base64' });
        assert.equal(typeof res.data[0].embedding, 'string');
        close(decodeBase64Floats(res.data[0].embedding), (await direct(marker)).data[0].embedding);
      });

      test('the SDK default (base64 on the wire, decoded by the SDK) gives floats', { skip }, async () => {
        const marker = uniqueMarker('default');
        const res = await sdk().embeddings.create({ model: name('compat_embed'), input: marker });
        assert.ok(Array.isArray(res.data[0].embedding));
        close(res.data[0].embedding, (await direct(marker)).data[0].embedding);
      });

      test('a batch keeps the input order; dimensions are honoured', { skip }, async () => {
        const inputs = [uniqueMarker('a'), uniqueMarker('b'), uniqueMarker('c')];
        const res = await sdk().embeddings.create({
          model: name('compat_embed'),
          input: inputs,
          dimensions: 16,
          encoding_format: 'float',
        });
        assert.deepEqual(res.data.map((d) => d.index), [0, 1, 2]);
        const expected = await direct(inputs, { dimensions: 16 });
        res.data.forEach((d, i) => {
          assert.equal(d.embedding.length, 16);
          close(d.embedding, expected.data[i].embedding);
        });
      });
    });
  }
}
