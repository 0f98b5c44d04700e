/** Which key goes to which model endpoint: each key only to its own service. */
import type { Config, EndpointCredentials, GroundingConfig } from '../config.js';
import { MODEL_PROVIDER_CATALOGUE, type ModelProviderName } from './model-providers.js';

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The key and base URL of a provider, as the main model uses them. */
export function modelCredentials(config: Config, provider: ModelProviderName): EndpointCredentials {
  return config.modelEndpoints[provider];
}

/**
 * The grounding model's endpoint. Its key is GAGENT_GROUNDING_API_KEY, or none: the provider's
 * own key (OPENAI_API_KEY, ANTHROPIC_API_KEY) goes along only when grounding talks to that
 * provider's own origin, never to another host named by GAGENT_GROUNDING_BASE_URL.
 */
export function groundingCredentials(config: Config, grounding: GroundingConfig): EndpointCredentials {
  const provider = grounding.model.provider;
  const own = modelCredentials(config, provider);
  const ownBase = own.baseUrl ?? MODEL_PROVIDER_CATALOGUE[provider].defaultBaseUrl;
  const baseUrl = grounding.baseUrl ?? own.baseUrl;
  if (grounding.apiKey) return { apiKey: grounding.apiKey, baseUrl };
  const sameHome = originOf(baseUrl ?? ownBase) === originOf(ownBase);
  return { apiKey: sameHome ? own.apiKey : undefined, baseUrl };
}
