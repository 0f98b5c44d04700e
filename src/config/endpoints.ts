/** Which key goes to which model endpoint: each key only to its own service. */
import type { Config, EndpointCredentials, GroundingConfig } from '../config.js';
import type { ModelProviderName } from './parse.js';

/** Where each provider's SDK sends requests when no base URL is set. */
export const DEFAULT_MODEL_BASE_URLS: Record<ModelProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The key and base URL of a provider, as the main model uses them. */
export function modelCredentials(config: Config, provider: ModelProviderName): EndpointCredentials {
  return provider === 'openai' ? config.openai : config.anthropic;
}

/**
 * The grounding model's endpoint. Its key is GAGENT_GROUNDING_API_KEY, or none: the provider's
 * own key (OPENAI_API_KEY, ANTHROPIC_API_KEY) goes along only when grounding talks to that
 * provider's own origin, never to another host named by GAGENT_GROUNDING_BASE_URL.
 */
export function groundingCredentials(config: Config, grounding: GroundingConfig): EndpointCredentials {
  const provider = grounding.model.provider;
  const own = modelCredentials(config, provider);
  const ownBase = own.baseUrl ?? DEFAULT_MODEL_BASE_URLS[provider];
  const baseUrl = grounding.baseUrl ?? own.baseUrl;
  if (grounding.apiKey) return { apiKey: grounding.apiKey, baseUrl };
  const sameHome = originOf(baseUrl ?? ownBase) === originOf(ownBase);
  return { apiKey: sameHome ? own.apiKey : undefined, baseUrl };
}
