/**
 * A server's own headers (an API key the user gave it) on requests to that server only. The SDK
 * sends a transport's `requestInit` headers with its OAuth requests too — to the authorization
 * server, often another host — so a remote server's headers go through this fetch instead.
 */
import type { FetchLike } from '../http.js';

export function withServerHeaders(
  fetch: FetchLike,
  serverUrl: string,
  headers: Record<string, string> | null | undefined,
): FetchLike {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return fetch;
  const origin = new URL(serverUrl).origin;
  return (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (new URL(target).origin !== origin) return fetch(input, init);
    const merged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    // What the transport sets itself (Authorization from OAuth, the session id) is kept.
    for (const [name, value] of entries) if (!merged.has(name)) merged.set(name, value);
    return fetch(input, { ...init, headers: merged });
  };
}
