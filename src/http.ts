/**
 * One HTTP stack for every request gagent starts — the model SDKs, MCP transports, the OSWorld
 * controller and the Composio SDK: undici's fetch over one dispatcher that honours HTTPS_PROXY,
 * HTTP_PROXY and NO_PROXY (as gh, npm and git do), keeps connections alive and bounds connect
 * time. One per command; undici is loaded on the first request, so commands that make none never
 * pay for it, and close() lets the process end without waiting on idle sockets.
 */

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ProxySettings {
  /** HTTP_PROXY / http_proxy ('' for none). */
  http: string;
  /** HTTPS_PROXY / https_proxy ('' for none). */
  https: string;
  /** NO_PROXY / no_proxy: hosts (host:port) reached directly. */
  noProxy: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 30_000;

interface Loaded {
  fetch: FetchLike;
  close(): Promise<void>;
}

export class HttpStack {
  private loaded: Promise<Loaded> | null = null;

  constructor(private readonly proxy: ProxySettings) {}

  private load(): Promise<Loaded> {
    this.loaded ??= (async () => {
      const undici = await import('undici');
      const dispatcher = new undici.EnvHttpProxyAgent({
        // Passed explicitly: '' means none, and undici then does not read the environment itself.
        httpProxy: this.proxy.http,
        httpsProxy: this.proxy.https,
        noProxy: this.proxy.noProxy,
        connect: { timeout: CONNECT_TIMEOUT_MS },
        keepAliveTimeout: KEEP_ALIVE_MS,
      });
      const fetch = ((input: string | URL | Request, init?: RequestInit) =>
        undici.fetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchLike;
      // destroy, not close: a request still in flight at the end of a command (a server that
      // never answered) is cut, so the process ends now.
      return { fetch, close: () => dispatcher.destroy() };
    })();
    return this.loaded;
  }

  /** undici's fetch through the one dispatcher (a stable function, safe to hand to any client). */
  readonly fetch: FetchLike = async (input, init) => (await this.load()).fetch(input, init);

  async close(): Promise<void> {
    if (this.loaded !== null) await (await this.loaded).close().catch(() => {});
  }
}
