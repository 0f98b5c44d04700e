/**
 * Connecting accounts through `gagent serve`: the CLI's connect flow (ConnectFlow, all six stages),
 * with Composio sending the browser back to the server's own route instead of a loopback server —
 * COMPOSIO_REDIRECT names that route's public URL on a deployed host. Starting answers as soon as
 * Composio's link exists; the flow goes on in the background, and the callback route finishes it
 * (polling Composio finishes it too, as in the CLI).
 */
import { answerCallback, type CallbackResult } from '../../composio/callback-server.js';
import { providerInfo } from '../../composio/catalogue.js';
import { ConnectFlow } from '../../composio/connect-flow.js';
import { errorMessage, GagentError } from '../../errors.js';
import { accountManager } from '../accounts.js';
import { rebuildRegistryAndListTools } from '../tools-after-connect.js';
import { requestContext, type ServeDeps } from './api-context.js';

export const CALLBACK_PATH = '/v1/connect/callback';
/** How long a started connect waits for the user (the link's own lifetime is ten minutes). */
const CONNECT_TIMEOUT_MS = 10 * 60_000;
/** How long the callback page waits for the connect to finish before saying it is still going. */
const CALLBACK_WAIT_MS = 20_000;
/** How long a finished connect still answers its callback. */
const KEEP_FINISHED_MS = 5 * 60_000;

interface Waiting {
  accepted: boolean;
  deliver(result: CallbackResult): void;
  /** Settles when the flow ends (connected, failed, timed out). */
  finished: Promise<unknown>;
}

export class ServeConnects {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly deps: ServeDeps) {}

  /** Starts connecting `provider` for `user`; resolves with the link (or at once if nothing was left to do). */
  async start(user: string, provider: string): Promise<Record<string, unknown>> {
    const info = providerInfo(provider);
    const request = requestContext(this.deps, user, new AbortController().signal);
    const { ctx } = request;
    const manager = await accountManager(ctx);
    let linked!: (url: string) => void;
    const link = new Promise<string>((resolve) => {
      linked = resolve;
    });
    let stateOf: string | null = null;
    // The flow's end, known to the callback route even if Composio calls back before start() returns.
    let settle!: (finished: Promise<unknown>) => void;
    const ended = new Promise<unknown>((resolve) => {
      settle = (finished) => resolve(finished);
    });
    // A connect that fails (denied, timed out, Composio down, the server stopping) is reported
    // through its callback page and status; its rejection must never go unhandled.
    ended.catch(() => {});
    // Said in the answer when the flow ends before a link (e.g. an account Composio already held).
    const warnings: string[] = [];
    const flow = new ConnectFlow(ctx.config, this.deps.store, manager, {
      progress: () => {},
      warn: (line) => {
        warnings.push(line);
        ctx.output.warn(line);
      },
      openLink: async (url) => {
        linked(url);
        return false;
      },
      callback: async (state) => {
        stateOf = state;
        return this.register(state, ended);
      },
    });
    const signal = AbortSignal.any([this.deps.signal, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]);
    const finished = (async () => {
      try {
        const result = await flow.run(info, { timeoutMs: CONNECT_TIMEOUT_MS, signal });
        if (result.kind === 'connected')
          await rebuildRegistryAndListTools(ctx, info.provider).catch(() => {});
        return result;
      } finally {
        await flow.close();
        // Kept a while: Composio's redirect may arrive after polling already finished the connect.
        const state = stateOf;
        if (state) setTimeout(() => this.waiting.delete(state), KEEP_FINISHED_MS).unref();
      }
    })();
    settle(finished);
    finished.catch(() => {}); // reported through the callback page and status; never unhandled
    const first = await Promise.race([
      link.then((url) => ({ url })),
      finished.then((result) => ({ result })),
    ]);
    if ('url' in first) return { user, provider: info.provider, status: 'INITIATED', redirectUrl: first.url };
    const result = first.result;
    return {
      user,
      provider: info.provider,
      status: 'ACTIVE',
      connectedAccountId: result.kind === 'connected' ? result.account.id : result.connectedAccountId,
      reusedExistingAccount: result.kind === 'connected' && result.reused,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  /** The callback server the flow waits on: this server's route, for this state. */
  private async register(state: string, finished: Promise<unknown>) {
    let deliver!: (result: CallbackResult) => void;
    const result = new Promise<CallbackResult>((resolve) => {
      deliver = resolve;
    });
    this.waiting.set(state, { accepted: false, deliver, finished });
    const url = this.deps.callbackUrl();
    url.searchParams.set('state', state);
    return { url: url.toString(), port: 0, result, close: async () => {} };
  }

  /** GET /v1/connect/callback: Composio's redirect; finishes the connect it belongs to. */
  async callback(params: URLSearchParams): Promise<{ status: number; title: string; body: string }> {
    const state = params.get('state') ?? '';
    const waiting = this.waiting.get(state);
    if (!waiting)
      return {
        status: 400,
        title: 'Not for a connection in progress',
        body: 'This link does not belong to a connect this server is waiting for. Start the connection again.',
      };
    const answer = answerCallback(params, state, waiting.accepted);
    if (!answer.outcome) return answer;
    waiting.accepted = true;
    waiting.deliver(answer.outcome);
    if (answer.outcome.status === 'failed') return answer;
    const outcome = await Promise.race([
      waiting.finished.then(
        () => 'done' as const,
        (err: unknown) => err,
      ),
      new Promise((resolve) => setTimeout(resolve, CALLBACK_WAIT_MS).unref()).then(() => 'slow' as const),
    ]);
    if (outcome === 'slow')
      return {
        status: 202,
        title: 'Almost done',
        body: 'gagent is finishing the connection; check its status in a moment.',
      };
    if (outcome !== 'done')
      return {
        status: 502,
        title: 'Not connected',
        body: outcome instanceof GagentError ? outcome.message : errorMessage(outcome),
      };
    return { status: 200, title: 'Connected', body: 'You can close this window.' };
  }
}
