/**
 * The model providers gagent speaks to, as data: the name users write (`openai:<model>`), the
 * variables that configure it, and where its SDK goes by default. A new provider is one entry
 * here and one adapter file in src/llm/providers/<name>.ts.
 */
export const MODEL_PROVIDER_CATALOGUE = {
  openai: {
    label: 'OpenAI-compatible',
    /** OPENAI_API_KEY, OPENAI_BASE_URL. */
    envPrefix: 'OPENAI',
    defaultBaseUrl: 'https://api.openai.com/v1',
  },
  anthropic: {
    label: 'Anthropic',
    envPrefix: 'ANTHROPIC',
    defaultBaseUrl: 'https://api.anthropic.com',
  },
} as const;

export type ModelProviderName = keyof typeof MODEL_PROVIDER_CATALOGUE;

export const MODEL_PROVIDERS = Object.keys(MODEL_PROVIDER_CATALOGUE) as ModelProviderName[];

export function isModelProvider(name: string): name is ModelProviderName {
  return Object.hasOwn(MODEL_PROVIDER_CATALOGUE, name);
}

/** The variable holding a provider's key (OPENAI_API_KEY, …). */
export function keyVariable(provider: ModelProviderName): string {
  return `${MODEL_PROVIDER_CATALOGUE[provider].envPrefix}_API_KEY`;
}

/** The variable holding a provider's base URL (OPENAI_BASE_URL, …). */
export function baseUrlVariable(provider: ModelProviderName): string {
  return `${MODEL_PROVIDER_CATALOGUE[provider].envPrefix}_BASE_URL`;
}
