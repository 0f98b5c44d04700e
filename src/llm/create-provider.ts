/** Builds the model provider a ModelSpec names. Each SDK is imported only here, only when a run needs it. */
import type { EndpointCredentials, ModelSpec } from '../config.js';
import { NotAuthorizedError } from '../errors.js';
import type { FetchLike } from '../http.js';
import type { ModelProvider } from './types.js';

export interface ProviderTuning {
  timeoutMs?: number;
  maxRetries?: number;
  /** The variable the key came from, for messages (e.g. GAGENT_GROUNDING_API_KEY). */
  keyVariable?: string;
  /** The command's HTTP stack. */
  fetch?: FetchLike;
}

export async function createModelProvider(
  spec: ModelSpec,
  credentials: EndpointCredentials,
  tuning: ProviderTuning = {},
): Promise<ModelProvider> {
  const keyVariable =
    tuning.keyVariable ?? (spec.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY');
  const baseVariable = spec.provider === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL';
  // A local OpenAI-compatible server (vLLM, Ollama…) often needs no key; a base URL says it is one.
  if (!credentials.apiKey && !credentials.baseUrl) {
    throw new NotAuthorizedError(
      `${keyVariable} is not set, so gagent cannot use ${spec.provider}:${spec.model}.`,
      `Export ${keyVariable}, or set ${baseVariable} for a server that needs no key.`,
    );
  }
  const options = {
    model: spec.model,
    apiKey: credentials.apiKey ?? 'no-key-needed',
    baseUrl: credentials.baseUrl,
    timeoutMs: tuning.timeoutMs ?? 120_000,
    maxRetries: tuning.maxRetries ?? 3,
    keyVariable,
    fetch: tuning.fetch,
  };
  if (spec.provider === 'openai') {
    const { OpenAIProvider } = await import('./openai-provider.js');
    return OpenAIProvider.create(options);
  }
  const { AnthropicProvider } = await import('./anthropic-provider.js');
  return AnthropicProvider.create(options);
}
