/**
 * Builds the model provider a ModelSpec names: the catalogue (src/config/model-providers.ts) says
 * how it is configured, and its adapter is src/llm/providers/<name>.ts, imported only when a run
 * needs it (each SDK loads only with its adapter).
 */

import { baseUrlVariable, keyVariable, MODEL_PROVIDER_CATALOGUE } from '../config/model-providers.js';
import type { EndpointCredentials, ModelSpec } from '../config.js';
import { NotAuthorizedError } from '../errors.js';
import type { FetchLike } from '../http.js';
import type { ModelProvider, ProviderOptions } from './types.js';

export interface ProviderTuning {
  timeoutMs?: number;
  maxRetries?: number;
  /** The variable the key came from, for messages (e.g. GAGENT_GROUNDING_API_KEY). */
  keyVariable?: string;
  /** The command's HTTP stack. */
  fetch?: FetchLike;
}

interface Adapter {
  create(options: ProviderOptions): Promise<ModelProvider>;
}

export async function createModelProvider(
  spec: ModelSpec,
  credentials: EndpointCredentials,
  tuning: ProviderTuning = {},
): Promise<ModelProvider> {
  const keyName = tuning.keyVariable ?? keyVariable(spec.provider);
  // A local OpenAI-compatible server (vLLM, Ollama…) often needs no key; a base URL says it is one.
  if (!credentials.apiKey && !credentials.baseUrl) {
    throw new NotAuthorizedError(
      `${keyName} is not set, so gagent cannot use ${spec.provider}:${spec.model}.`,
      `Export ${keyName}, or set ${baseUrlVariable(spec.provider)} for a server that needs no key.`,
    );
  }
  const adapter = (await import(`./providers/${spec.provider}.ts`)) as Adapter;
  return adapter.create({
    provider: spec.provider,
    label: MODEL_PROVIDER_CATALOGUE[spec.provider].label,
    model: spec.model,
    apiKey: credentials.apiKey ?? 'no-key-needed',
    baseUrl: credentials.baseUrl,
    timeoutMs: tuning.timeoutMs ?? 120_000,
    maxRetries: tuning.maxRetries ?? 3,
    keyVariable: keyName,
    fetch: tuning.fetch,
  });
}
