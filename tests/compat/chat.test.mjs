// The official OpenAI Node SDK against the gateway: chat completions, streaming, tools,
// response_format, reasoning, abort and models, on every base URL and model-name spelling.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APIUserAbortError } from 'openai';
import { BASES, chatName, client, startStack, upstreamRequestFor, uniqueMarker, waitFor } from './setup.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location'],
    },
  },
};

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks) => chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');

for (const base of BASES) {
  for (const [spelling, name] of Object.entries(chatName)) {
    describe(`openai SDK, baseURL ${base}, ${spelling} model names`, () => {
      const sdk = () => client(stack.gw, base);

      test('chat.completions.create answers like the upstream', async () => {
        const marker = uniqueMarker('plain');
        const res = await sdk().chat.completions.create({
          model: name('compat_chat'),
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: marker },
          ],
        });
        assert.equal(res.object, 'chat.completion');
        assert.equal(res.model, 'compat-upstream');
        assert.equal(res.choices.length, 1);
        assert.equal(res.choices[0].message.role, 'assistant');
        assert.equal(res.choices[0].message.content, `Hello from compat-upstream! You said: ${marker}`);
        assert.equal(res.choices[0].finish_reason, 'stop');
        assert.ok(res.usage.prompt_tokens > 0);
        assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
        const seen = await upstreamRequestFor(stack.mock, 'compat-upstream', marker);
        assert.equal(seen.body.model, 'compat-upstream');
        assert.equal(seen.body.messages[0].role, 'system');
      });

      test('withResponse exposes the gateway headers', async () => {
        const { data, response } = await sdk()
          .chat.completions.create({ model: name('compat_chat'), messages: [{ role: 'user', content: 'hi' }] })
          .withResponse();
        assert.equal(data.choices[0].finish_reason, 'stop');
        assert.equal(response.headers.get('x-switchboard-model'), 'compat_chat');
        assert.equal(response.headers.get('x-switchboard-provider'), 'p');
        assert.match(response.headers.get('x-inference-id'), /^[0-9a-f-]{36}$/);
      });

      test('streaming by async iteration, with stream_options.include_usage', async () => {
        const marker = uniqueMarker('stream');
        const messages = [{ role: 'user', content: marker }];
        const whole = await sdk().chat.completions.create({ model: name('compat_chat'), messages });
        const stream = await sdk().chat.completions.create({
          model: name('compat_chat'),
          messages,
          stream: true,
          stream_options: { include_usage: true },
        });
        const chunks = await collect(stream);
        assert.ok(chunks.length > 3, `only ${chunks.length} chunks`);
        for (const c of chunks) {
          assert.equal(c.object, 'chat.completion.chunk');
          assert.equal(c.id, chunks[0].id);
          assert.equal(c.model, 'compat-upstream');
        }
        assert.equal(chunks[0].choices[0].delta.role, 'assistant');
        assert.equal(textOf(chunks), whole.choices[0].message.content);
        const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
        assert.equal(finish.length, 1);
        assert.equal(finish[0].choices[0].finish_reason, 'stop');
        const last = chunks.at(-1);
        assert.deepEqual(last.choices, []);
        assert.deepEqual(
          [last.usage.prompt_tokens, last.usage.completion_tokens],
          [whole.usage.prompt_tokens, whole.usage.completion_tokens],
        );
        for (const c of chunks.slice(0, -1)) assert.ok(c.usage == null, 'usage only on the last chunk');
      });

      test('streaming without stream_options has no usage chunk', async () => {
        const chunks = await collect(
          await sdk().chat.completions.create({
            model: name('compat_chat'),
            messages: [{ role: 'user', content: 'no usage please' }],
            stream: true,
          }),
        );
        assert.ok(chunks.every((c) => c.choices.length === 1 && !c.usage));
        assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
      });

      test('the stream helper assembles the final completion', async () => {
        const runner = sdk().chat.completions.stream({
          model: name('compat_chat'),
          messages: [{ role: 'user', content: 'assemble me' }],
        });
        let deltas = '';
        runner.on('content', (delta) => {
          deltas += delta;
        });
        const final = await runner.finalChatCompletion();
        assert.equal(final.choices[0].message.content, 'Hello from compat-upstream! You said: assemble me');
        assert.equal(deltas, final.choices[0].message.content);
      });

      test('tool calls round trip: call, tool result, answer', async () => {
        const marker = uniqueMarker('tools');
        const messages = [{ role: 'user', content: `Weather in Paris? ${marker}` }];
        const first = await sdk().chat.completions.create({
          model: name('compat_tools'),
          messages,
          tools: [weatherTool],
          tool_choice: 'auto',
        });
        assert.equal(first.choices[0].finish_reason, 'tool_calls');
        const msg = first.choices[0].message;
        assert.equal(msg.tool_calls.length, 1);
        const call = msg.tool_calls[0];
        assert.equal(call.type, 'function');
        assert.equal(call.function.name, 'get_weather');
        assert.ok(call.id);
        assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris', unit: 'celsius' });

        // Send the call and its result back, as an application would.
        const followUp = [
          ...messages,
          msg,
          { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temperature: 21 }) },
        ];
        const second = await sdk().chat.completions.create({ model: name('compat_tools'), messages: followUp });
        assert.equal(second.choices[0].finish_reason, 'stop');
        assert.match(second.choices[0].message.content, /^Hello from compat-tools!/);
        const seen = (await stack.mock.requests('compat-tools')).filter((r) =>
          JSON.stringify(r.body.messages).includes(marker),
        );
        assert.equal(seen.length, 2);
        const sent = seen[1].body.messages;
        assert.equal(sent[1].role, 'assistant');
        assert.equal(sent[1].tool_calls[0].id, call.id);
        assert.equal(sent[1].tool_calls[0].function.name, 'get_weather');
        assert.deepEqual(JSON.parse(sent[1].tool_calls[0].function.arguments), JSON.parse(call.function.arguments));
        assert.equal(sent[2].role, 'tool');
        assert.equal(sent[2].tool_call_id, call.id);
        assert.match(JSON.stringify(sent[2].content), /temperature/);
      });

      test('streamed tool calls assemble through the stream helper', async () => {
        const final = await sdk()
          .chat.completions.stream({
            model: name('compat_tools'),
            messages: [{ role: 'user', content: 'Weather?' }],
            tools: [weatherTool],
          })
          .finalChatCompletion();
        assert.equal(final.choices[0].finish_reason, 'tool_calls');
        const call = final.choices[0].message.tool_calls[0];
        assert.equal(call.function.name, 'get_weather');
        assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris', unit: 'celsius' });
      });

      test('response_format json_schema reaches the upstream and parse() reads the answer', async () => {
        const marker = uniqueMarker('json');
        const schema = {
          type: 'object',
          properties: { city: { type: 'string' }, population: { type: 'integer' } },
          required: ['city', 'population'],
          additionalProperties: false,
        };
        const res = await sdk().chat.completions.parse({
          model: name('compat_json'),
          messages: [{ role: 'user', content: marker }],
          response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema } },
        });
        assert.deepEqual(res.choices[0].message.parsed, { city: 'Paris', population: 2100000 });
        const seen = await upstreamRequestFor(stack.mock, 'compat-json', marker);
        assert.equal(seen.body.response_format.type, 'json_schema');
        assert.equal(seen.body.response_format.json_schema.name, 'city');
        assert.deepEqual(seen.body.response_format.json_schema.schema, schema);
      });

      test('response_format json_object is passed through', async () => {
        const marker = uniqueMarker('json-object');
        const res = await sdk().chat.completions.create({
          model: name('compat_json'),
          messages: [{ role: 'user', content: `${marker} answer in JSON` }],
          response_format: { type: 'json_object' },
        });
        assert.deepEqual(JSON.parse(res.choices[0].message.content), { city: 'Paris', population: 2100000 });
        const seen = await upstreamRequestFor(stack.mock, 'compat-json', marker);
        assert.deepEqual(seen.body.response_format, { type: 'json_object' });
      });

      test('reasoning_content is on the message and in the stream', async () => {
        const res = await sdk().chat.completions.create({
          model: name('compat_reasoning'),
          messages: [{ role: 'user', content: 'think first' }],
        });
        const msg = res.choices[0].message;
        assert.equal(msg.reasoning_content, 'Let me think about this. The user said: think first');
        assert.equal(msg.content, 'Hello from compat-reasoning! You said: think first');

        const chunks = await collect(
          await sdk().chat.completions.create({
            model: name('compat_reasoning'),
            messages: [{ role: 'user', content: 'think first' }],
            stream: true,
          }),
        );
        const reasoning = chunks.map((c) => c.choices[0]?.delta?.reasoning_content ?? '').join('');
        assert.equal(reasoning, msg.reasoning_content);
        assert.equal(textOf(chunks), msg.content);
      });

      test('aborting mid-stream closes the upstream request', async () => {
        const marker = uniqueMarker('abort');
        const stream = await sdk().chat.completions.create({
          model: name('compat_slow'),
          messages: [{ role: 'user', content: marker }],
          stream: true,
        });
        let contentChunks = 0;
        try {
          for await (const chunk of stream) {
            if (chunk.choices[0]?.delta?.content) contentChunks += 1;
            if (contentChunks === 3) stream.controller.abort();
          }
        } catch (e) {
          // Depending on where the abort lands, iteration ends quietly or throws the abort.
          assert.ok(e instanceof APIUserAbortError || e.name === 'AbortError', e);
        }
        assert.ok(stream.controller.signal.aborted);
        assert.ok(contentChunks >= 3 && contentChunks < 200, `${contentChunks} content chunks`);
        const seen = await waitFor(
          async () => {
            const r = await upstreamRequestFor(stack.mock, 'compat-slow', marker);
            return r?.outcome === 'client_closed' ? r : null;
          },
          { timeoutMs: 5000, what: 'the mock to see the upstream stream closed' },
        );
        assert.equal(seen.stream, true);
      });

      test('models.list pages through the configured models', async () => {
        const ids = [];
        for await (const m of sdk().models.list()) {
          assert.equal(m.object, 'model');
          ids.push(m.id);
        }
        for (const id of ['compat_chat', 'compat_tools', 'compat_reasoning', 'compat_embed']) {
          assert.ok(ids.includes(id), `${id} missing from ${ids.join(', ')}`);
        }
      });
    });
  }
}
