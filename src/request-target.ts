/**
 * The path and query of a request this process serves (the OAuth callback listener, `gagent
 * serve`). Parsed once, never thrown: a request line's target is bytes from anyone who can reach
 * the port, and `//[` must become an answer, not an exception. The absolute form HTTP/1.1 servers
 * must accept (`GET http://host/path`) gives its path and query; its host is not trusted.
 */
export function requestTarget(raw: string | undefined): URL | undefined {
  try {
    if (raw?.startsWith('/')) {
      // Appended to a fixed origin, not resolved against it: `//host/x` stays a path.
      return new URL(`http://localhost${raw}`);
    }
    if (raw && /^https?:\/\//i.test(raw)) {
      const absolute = new URL(raw);
      return new URL(`http://localhost${absolute.pathname}${absolute.search}`);
    }
  } catch {
    // not a target this server answers
  }
  return undefined;
}
