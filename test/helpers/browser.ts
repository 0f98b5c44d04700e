/** A simulated user with a browser: opens the Composio link gagent printed and, optionally, lets it redirect to the callback. */

export const LINK_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/__fake\/connect\/ca_[a-z0-9]+/;

export interface FollowResult {
  linkStatus: number;
  callbackStatus?: number;
  callbackUrl?: string;
}

export async function followLink(
  link: string,
  options: { outcome?: 'success' | 'failed'; toCallback?: boolean } = {},
): Promise<FollowResult> {
  const url = new URL(link);
  if (options.outcome) url.searchParams.set('outcome', options.outcome);
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location') ?? undefined;
  if (!options.toCallback || !location) return { linkStatus: first.status, callbackUrl: location };
  const second = await fetch(location);
  await second.text();
  return { linkStatus: first.status, callbackStatus: second.status, callbackUrl: location };
}
