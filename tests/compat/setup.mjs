// Shared setup for the compat tests: the official `openai` SDK against the gateway and the mock.
// Each test file starts its own mock and gateway (tests/integration/harness.mjs) on free ports.
import OpenAI from 'openai';
import { startMock, startGateway, waitFor } from '../integration/harness.mjs';

export { waitFor };

// Gateway models in front of the mock. Each provider model_name carries the mock directives
// that shape the answer (docs/mock_provider.md).
const chatModel = (name, upstream) => `
[models.${name}]
routing = ["p"]
[models.${name}.providers.p]
type = "openai"
model_name = "${upstream}"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

export const CONFIG = `
[gateway]
bind_address = "127.0.0.1:0"
${chatModel('compat_chat', 'compat-upstream')}
${chatModel('compat_tools', 'compat-tools;tool_call=1')}
${chatModel('compat_reasoning', 'compat-reasoning;reasoning=1')}
${chatModel('compat_json', 'compat-json;reply={\\"city\\":\\"Paris\\",\\"population\\":2100000}')}
${chatModel('compat_slow', 'compat-slow;reply_words=200;chunk_delay_ms=20')}

[embedding_models.compat_embed]
routing = ["p"]
[embedding_models.compat_embed.providers.p]
type = "openai"
model_name = "compat-embed"
api_base = "{{MOCK}}/v1"
api_key_location = "none"
`;

// The base URLs the OpenAI-compatible API answers on, and the spellings of a model name.
export const BASES = ['/v1', '/openai/v1'];
export const chatName = {
  plain: (name) => name,
  tensorzero: (name) => `tensorzero::model_name::${name}`,
};
export const embeddingName = {
  plain: (name) => name,
  tensorzero: (name) => `tensorzero::embedding_model_name::${name}`,
};

export async function startStack({ env = {} } = {}) {
  const mock = await startMock();
  let gw;
  try {
    gw = await startGateway(CONFIG, { mock, env: { OPENAI_API_KEY: '', ...env } });
  } catch (e) {
    await mock.stop();
    throw e;
  }
  return {
    mock,
    gw,
    async stop() {
      await gw.stop();
      await mock.stop();
    },
  };
}

// No retries: a retried request would hide the status the gateway answered with.
export function client(gw, base, options = {}) {
  return new OpenAI({ baseURL: `${gw.url}${base}`, apiKey: 'sk-compat-client', maxRetries: 0, ...options });
}

// A route the gateway does not have answers 404 with code "not_found" (a router miss), which
// differs from an unknown model (404 "model_not_found").
export async function hasRoute(gw, path, body) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  return !(res.status === 404 && json?.error?.code === 'not_found');
}

// Finds the mock's log entry for the request whose last user message is `marker`.
export async function upstreamRequestFor(mock, modelPrefix, marker) {
  const all = await mock.requests(modelPrefix);
  return all.find((r) => JSON.stringify(r.body?.messages ?? r.body?.input ?? '').includes(marker));
}

let counter = 0;
export const uniqueMarker = (what) => `${what}-${process.pid}-${++counter}-${Date.now()}`;
