/** Waiting for a user to finish authorizing at Composio: polling the account, woken early by the callback. */
import { GagentError, InterruptedError, NotAuthorizedError } from '../errors.js';
import type { ProviderInfo } from './catalogue.js';
import type { ComposioApi } from './composio-api.js';
import type { RemoteAccount } from './remote-shapes.js';

function sleep(ms: number, signal: AbortSignal | undefined, wake: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      wake.removeEventListener('abort', done);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      wake.removeEventListener('abort', done);
      reject(new InterruptedError());
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    wake.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs one request with its own signal, tied to `parent` only while it runs. The SDK adds an abort
 * listener to the signal of every request and never removes it; a long connect polls once a
 * second, so sharing one signal piled listeners up (MaxListenersExceededWarning).
 */
async function withOwnSignal<T>(
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const own = new AbortController();
  const relay = () => own.abort(parent?.reason);
  if (parent?.aborted) relay();
  parent?.addEventListener('abort', relay, { once: true });
  try {
    return await fn(own.signal);
  } finally {
    parent?.removeEventListener('abort', relay);
  }
}

/**
 * Polls the account until it is ACTIVE. `wake` (the callback arriving) makes it check at once.
 * FAILED / EXPIRED / REVOKED end it; so does the timeout or Ctrl+C.
 */
export async function waitUntilActive(
  api: ComposioApi,
  info: ProviderInfo,
  accountId: string,
  options: {
    timeoutMs: number;
    signal?: AbortSignal;
    wake?: Promise<unknown>;
    pollIntervalMs: number;
    now: () => number;
  },
): Promise<RemoteAccount> {
  const deadline = options.now() + options.timeoutMs;
  const woken = new AbortController();
  void options.wake?.then(() => woken.abort());
  // The callback wakes the loop once; after that, plain polling again.
  let wake = woken.signal;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError();
    const account = await withOwnSignal(options.signal, (signal) => api.getAccount(accountId, signal));
    if (account.status === 'ACTIVE') return account;
    if (account.status === 'FAILED' || account.status === 'EXPIRED' || account.status === 'REVOKED') {
      throw new NotAuthorizedError(
        `The ${info.displayName} authorization ${account.status === 'FAILED' ? 'failed' : `is ${account.status.toLowerCase()}`}${account.statusReason ? `: ${account.statusReason}` : '.'}`,
        `Run gagent connect ${info.provider} again.`,
      );
    }
    const left = deadline - options.now();
    if (left <= 0) {
      throw new GagentError(
        `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the ${info.displayName} authorization.`,
        undefined,
        `Open the link and finish signing in, or run gagent connect ${info.provider} again (use --timeout for more time).`,
      );
    }
    await sleep(Math.min(options.pollIntervalMs, left), options.signal, wake);
    if (wake.aborted) wake = new AbortController().signal;
  }
}
