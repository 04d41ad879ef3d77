// The gateway's errors as the official OpenAI Node SDK sees them: classes, statuses, codes.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { BASES, chatName, client, startStack } from './setup.mjs';

const GATEWAY_KEY = 'sk-compat-gateway-key';

const stack = await startStack();
// A second gateway that requires a bearer key (TENSORZERO_API_KEY).
const keyed = await startStack({ env: { TENSORZERO_API_KEY: GATEWAY_KEY } });
after(async () => {
  await stack.stop();
  await keyed.stop();
});

// Probed once: key checking may not be in this build yet.
const probe = await fetch(`${keyed.gw.url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'compat_chat', messages: [{ role: 'user', content: 'probe' }] }),
});
await probe.body?.cancel();
const authSkip = probe.status === 401 ? false : 'gateway API-key auth not built';

const hello = [{ role: 'user', content: 'hi' }];

async function rejectsWith(promise, ErrorClass, status) {
  const err = await promise.then(
    () => assert.fail(`expected ${ErrorClass.name}`),
    (e) => e,
  );
  assert.ok(err instanceof ErrorClass, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, status);
  return err;
}

for (const base of BASES) {
  for (const [spelling, name] of Object.entries(chatName)) {
    describe(`openai SDK errors, baseURL ${base}, ${spelling} model names`, () => {
      const sdk = () => client(stack.gw, base);

      test('an unknown model is NotFoundError (404, model_not_found)', async () => {
        const err = await rejectsWith(
          sdk().chat.completions.create({ model: name('no_such_model'), messages: hello }),
          NotFoundError,
          404,
        );
        assert.equal(err.code, 'model_not_found');
        assert.match(err.message, /no_such_model/);
      });

      test('an unknown model when streaming is NotFoundError before any chunk', async () => {
        await rejectsWith(
          sdk().chat.completions.create({ model: name('no_such_model'), messages: hello, stream: true }),
          NotFoundError,
          404,
        );
      });

      test('invalid input is BadRequestError (400) naming the parameter', async () => {
        const err = await rejectsWith(
          sdk().chat.completions.create({ model: name('compat_chat'), messages: hello, temperature: 5 }),
          BadRequestError,
          400,
        );
        assert.equal(err.param, 'temperature');
        assert.equal(err.type, 'invalid_request_error');
      });

      test('a message without a role is BadRequestError', async () => {
        await rejectsWith(
          sdk().chat.completions.create({ model: name('compat_chat'), messages: [{ content: 'no role' }] }),
          BadRequestError,
          400,
        );
      });
    });

    describe(`openai SDK auth, baseURL ${base}, ${spelling} model names`, () => {
      const withKey = (apiKey) => new OpenAI({ baseURL: `${keyed.gw.url}${base}`, apiKey, maxRetries: 0 });

      test('a wrong key is AuthenticationError (401)', { skip: authSkip }, async () => {
        await rejectsWith(
          withKey('sk-wrong').chat.completions.create({ model: name('compat_chat'), messages: hello }),
          AuthenticationError,
          401,
        );
      });

      test('a wrong key when streaming is AuthenticationError', { skip: authSkip }, async () => {
        await rejectsWith(
          withKey('sk-wrong').chat.completions.create({ model: name('compat_chat'), messages: hello, stream: true }),
          AuthenticationError,
          401,
        );
      });

      test('the configured key is accepted and not forwarded upstream', { skip: authSkip }, async () => {
        const res = await withKey(GATEWAY_KEY).chat.completions.create({
          model: name('compat_chat'),
          messages: [{ role: 'user', content: `keyed ${base} ${spelling}` }],
        });
        assert.equal(res.choices[0].finish_reason, 'stop');
        const seen = (await keyed.mock.requests('compat-upstream')).at(-1);
        assert.notEqual(seen.auth, GATEWAY_KEY);
      });

      test('models.list needs the key too', { skip: authSkip }, async () => {
        await rejectsWith(withKey('sk-wrong').models.list(), AuthenticationError, 401);
        const page = await withKey(GATEWAY_KEY).models.list();
        assert.ok(page.data.some((m) => m.id === 'compat_chat'));
      });
    });
  }
}
