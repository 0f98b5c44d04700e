/** Providers gagent knows by name; any other Composio toolkit slug works the same way. */
import { UsageError } from '../errors.js';

export interface ProviderInfo {
  /** Our name for it: lower case, used in commands, the DB and action names. */
  provider: string;
  toolkitSlug: string;
  displayName: string;
  /** The environment variable that pins its auth config. */
  authConfigEnv: string;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function info(provider: string, displayName: string): ProviderInfo {
  return {
    provider,
    toolkitSlug: provider,
    displayName,
    authConfigEnv: `COMPOSIO_${provider.toUpperCase().replace(/-/g, '_')}_AUTH_CONFIG_ID`,
  };
}

export const KNOWN_PROVIDERS: readonly ProviderInfo[] = [info('gmail', 'Gmail'), info('slack', 'Slack')];

/** Whether `name` is a slug gagent takes as a provider (so one Composio lists can be suggested). */
export function isProviderSlug(name: string): boolean {
  return SLUG.test(name);
}

/** Whether gagent knows the provider by name (its toolkit surely exists at Composio). */
export function isCatalogued(info: ProviderInfo): boolean {
  return KNOWN_PROVIDERS.some((p) => p.provider === info.provider);
}

export function providerInfo(name: string): ProviderInfo {
  const provider = name.trim().toLowerCase();
  if (!SLUG.test(provider)) {
    throw new UsageError(
      `"${name}" is not a valid provider name.`,
      'Use gmail, slack, or a Composio toolkit slug (lower-case letters, digits, - and _).',
    );
  }
  return KNOWN_PROVIDERS.find((p) => p.provider === provider) ?? info(provider, provider);
}
