/**
 * The path and query of a request this process serves (the OAuth callback listener, `gagent
 * serve`). Parsed once, never thrown: a request line's target is bytes from anyone who can reach
 * the port, and `//[` or an absolute-form target must become a 400, not an exception.
 */
export function requestTarget(raw: string | undefined): URL | undefined {
  if (!raw?.startsWith('/')) return undefined;
  try {
    // Appended to a fixed origin, not resolved against it: `//host/x` stays a path.
    return new URL(`http://localhost${raw}`);
  } catch {
    return undefined;
  }
}
