/** Exit codes (README, Exit codes); scripts rely on them, so they never change meaning. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotAuthorized: 3,
  Unreachable: 4,
  RunFailed: 5,
  MaxSteps: 6,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the user: `message` is one sentence saying what is wrong,
 * `hint` says how to fix it. The CLI prints both and exits with `exitCode`.
 */
export class GagentError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.Failure,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UsageError extends GagentError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
  }
}

/** What was asked for is not there (exit 2 like any usage error; 404 through the API). */
export class NotFoundError extends UsageError {}

export class NotAuthorizedError extends GagentError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.NotAuthorized, hint, options);
  }
}

export class UnreachableError extends GagentError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Unreachable, hint, options);
  }
}

/** Ctrl+C or SIGTERM while a command was waiting. */
export class InterruptedError extends GagentError {
  constructor(message = 'Interrupted.') {
    super(message, ExitCode.Interrupted);
  }
}

/**
 * What an upstream's HTTP status means for gagent — the one table every client (Composio, the
 * models, MCP servers) shares: rejected credentials (exit 3), unavailable for now (exit 4), or a
 * refusal of this request (exit 1).
 */
export type HttpVerdict = 'rejected' | 'unavailable' | 'refused';

export function httpVerdict(status: number): HttpVerdict {
  if (status === 401 || status === 403) return 'rejected';
  if (status >= 500 || status === 429 || status === 408) return 'unavailable';
  return 'refused';
}

const VERDICT_EXIT: Record<HttpVerdict, ExitCodeValue> = {
  rejected: ExitCode.NotAuthorized,
  unavailable: ExitCode.Unreachable,
  refused: ExitCode.Failure,
};

export function exitCodeForStatus(status: number): ExitCodeValue {
  return VERDICT_EXIT[httpVerdict(status)];
}

/** The error for an upstream's HTTP status, with the exit code its verdict means. */
export function httpStatusError(
  status: number,
  message: string,
  hint?: string,
  options?: { cause?: unknown },
): GagentError {
  const verdict = httpVerdict(status);
  if (verdict === 'rejected') return new NotAuthorizedError(message, hint, options);
  if (verdict === 'unavailable') return new UnreachableError(message, hint, options);
  return new GagentError(message, VERDICT_EXIT[verdict], hint, options);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** True for errors that mean "could not reach the other side" (refused, DNS, reset, timeout). */
export function isNetworkError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+)$/.test(
        code,
      )
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
