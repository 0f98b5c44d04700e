/**
 * Whether Composio has the toolkit a user named, before connect creates anything for it: an
 * unknown slug (a typo, usually) is one sentence with the close names Composio lists, instead of
 * an auth config created for nothing and a link that can never be authorized.
 */
import { NotFoundError } from '../errors.js';
import { isCatalogued, isProviderSlug, KNOWN_PROVIDERS, type ProviderInfo } from './catalogue.js';
import { closeNames } from './close-names.js';
import type { ComposioApi } from './composio-api.js';

function orList(names: string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

/** Whether connect must ask Composio about the toolkit: not for the catalogue or a pinned auth config. */
export function needsToolkitCheck(info: ProviderInfo, pinnedAuthConfigs: Record<string, string>): boolean {
  return !isCatalogued(info) && !pinnedAuthConfigs[info.provider];
}

/** Resolves when Composio has the toolkit; otherwise throws NotFoundError (exit 2) naming close slugs. */
export async function requireToolkit(
  api: ComposioApi,
  info: ProviderInfo,
  signal?: AbortSignal,
): Promise<void> {
  if (await api.getToolkit(info.toolkitSlug, signal)) return;
  // The suggestions are a courtesy: if listing fails, the catalogue's names still help.
  const listed = await api.listToolkitSlugs(signal).catch((err: unknown) => {
    if (signal?.aborted) throw err;
    return [] as string[];
  });
  // Only names connect would take are suggested (whatever else a listing holds is not repeated).
  const candidates = [...KNOWN_PROVIDERS.map((p) => p.toolkitSlug), ...listed.filter(isProviderSlug)];
  const close = closeNames(info.toolkitSlug, candidates);
  throw new NotFoundError(
    `Composio has no toolkit "${info.toolkitSlug}"${close.length > 0 ? `; did you mean ${orList(close)}?` : '.'}`,
    close.length > 0
      ? `Run gagent connect ${close.length > 1 ? 'with one of them' : close[0]}.`
      : 'Check the spelling: gmail, slack, or a toolkit slug from the Composio dashboard.',
  );
}
