/**
 * Model errors as one sentence and an exit code. Both SDKs throw the same family (APIError with
 * `status`, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError); duck-typed so the
 * SDKs stay lazily loaded.
 */
import {
  errorMessage,
  GagentError,
  httpStatusError,
  httpVerdict,
  InterruptedError,
  isNetworkError,
  UnreachableError,
} from '../errors.js';

interface ApiErrorLike {
  status?: unknown;
  error?: unknown;
  constructor?: { name?: string };
  message?: string;
}

function providerMessage(err: ApiErrorLike): string {
  const body = err.error as { error?: { message?: unknown }; message?: unknown } | undefined;
  const nested = body?.error?.message ?? body?.message;
  if (typeof nested === 'string' && nested) return nested;
  const message = typeof err.message === 'string' ? err.message : '';
  // SDK messages look like `400 {"error":…}`; never print the JSON.
  return (
    message
      .replace(/^\d{3}\s*/, '')
      .replace(/\s*\{.*$/s, '')
      .trim() || 'no details'
  );
}

export function mapModelError(
  err: unknown,
  provider: string,
  endpoint: string,
  keyVariable: string,
): GagentError {
  if (err instanceof GagentError) return err;
  const e = (err ?? {}) as ApiErrorLike;
  const name = e.constructor?.name ?? '';
  if (name === 'APIUserAbortError' || (err instanceof Error && err.name === 'AbortError'))
    return new InterruptedError();
  const host = (() => {
    try {
      return new URL(endpoint).host;
    } catch {
      return endpoint;
    }
  })();
  if (err instanceof SyntaxError) {
    return new GagentError(
      `The ${provider} model at ${host} sent a response gagent cannot read (it is not JSON).`,
      undefined,
      'Check that the base URL points at the model API.',
      {
        cause: err,
      },
    );
  }
  if (name === 'APIConnectionTimeoutError') {
    return new UnreachableError(
      `The ${provider} model at ${host} did not answer in time.`,
      'Try again, or check the server.',
      { cause: err },
    );
  }
  if (name === 'APIConnectionError' || isNetworkError(err)) {
    return new UnreachableError(
      `Cannot reach the ${provider} model at ${host}.`,
      'Check that the server is running and the base URL is right.',
      {
        cause: err,
      },
    );
  }
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    const detail = providerMessage(e);
    switch (httpVerdict(status)) {
      case 'rejected':
        return httpStatusError(
          status,
          `The ${provider} model server rejected the API key (HTTP ${status}): ${detail}.`,
          `Check ${keyVariable}.`,
          { cause: err },
        );
      case 'unavailable':
        return httpStatusError(
          status,
          `The ${provider} model at ${host} is unavailable (HTTP ${status}): ${detail}.`,
          'Try again in a moment.',
          { cause: err },
        );
      case 'refused':
        return httpStatusError(
          status,
          `The ${provider} model refused the request (HTTP ${status}): ${detail}.`,
          undefined,
          {
            cause: err,
          },
        );
    }
  }
  return new GagentError(
    `The ${provider} model failed: ${errorMessage(err).replace(/\s*\{.*$/s, '')}`,
    undefined,
    undefined,
    { cause: err },
  );
}
