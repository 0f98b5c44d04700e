/**
 * GAGENT_CONTROLLER_URLS: the controller URLs a run submitted to `gagent serve` or taken by
 * `gagent worker` may name. Without it, anyone who can submit a run could make a worker send
 * requests to any address it reaches. Matching is by exact origin and path prefix on URLs the
 * WHATWG parser has normalised (case, IPv4 and IPv6 forms, default ports, dot segments), with a
 * trailing dot of the host and encoded unreserved characters folded; anything that could mean
 * something else to the server — credentials, a query, an encoded slash or dot segment — is refused.
 */
import { UsageError } from '../errors.js';

/** One allowed place: scheme://host:port and a path prefix ('' allows every path). */
export interface ControllerUrlPrefix {
  origin: string;
  path: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/** The path with encoded unreserved characters decoded and other escapes upper-cased; null if it hides a separator. */
function normalPath(pathname: string): string | null {
  // An encoded slash or backslash, or an encoded dot segment, may be decoded by the server after the check.
  if (/%2f|%5c/i.test(pathname)) return null;
  const path = pathname.replace(/%([0-9a-f]{2})/gi, (encoded, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  return path.replace(/\/+$/, '');
}

/** The URL as an origin and path to compare, or null when it is not a plain http(s) URL gagent can compare safely. */
export function controllerUrlPrefix(raw: string): ControllerUrlPrefix | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  const port = DEFAULT_PORTS[url.protocol];
  if (!port) return null;
  if (url.username || url.password || url.href.includes('@')) return null;
  if (url.href.includes('?') || url.href.includes('#')) return null;
  const path = normalPath(url.pathname);
  if (path === null) return null;
  // "vm.example." and "vm.example" are one host; "vm.example.evil" is not (exact comparison below).
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (!host) return null;
  return { origin: `${url.protocol}//${host}:${url.port || port}`, path };
}

/** GAGENT_CONTROLLER_URLS: URLs separated by commas or white space; a malformed one is one sentence. */
export function parseControllerUrls(value: string | undefined, name: string): ControllerUrlPrefix[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  return entries.map((entry) => {
    const prefix = controllerUrlPrefix(entry);
    if (!prefix)
      throw new UsageError(
        `${name} has "${entry.replace(/\/\/[^@/]*@/, '//…@')}", which is not a plain http(s) URL.`,
        'List controller URLs such as http://10.0.0.5:5000 or https://vms.internal/vm1, separated by commas, without credentials, query or fragment.',
      );
    return prefix;
  });
}

/** Whether `url` is at or under one of the allowed places. */
export function isAllowedControllerUrl(url: string, allowed: readonly ControllerUrlPrefix[]): boolean {
  const target = controllerUrlPrefix(url);
  if (!target) return false;
  return allowed.some(
    (place) =>
      place.origin === target.origin &&
      (place.path === '' || target.path === place.path || target.path.startsWith(`${place.path}/`)),
  );
}
