/** MCP failures as one sentence with an exit code, and a kind the registry and session act on. */

import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  ExitCode,
  type ExitCodeValue,
  errorMessage,
  exitCodeForStatus,
  GagentError,
  httpVerdict,
  InterruptedError,
  isNetworkError,
} from '../errors.js';
import { StdioServerError } from './stdio-failure.js';

export type McpFailureKind = 'unauthorized' | 'unreachable' | 'timeout' | 'session_lost' | 'protocol';

export class McpSessionError extends GagentError {
  constructor(
    readonly kind: McpFailureKind,
    message: string,
    exitCode: ExitCodeValue,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, exitCode, hint, options);
  }
}

const REQUEST_TIMEOUT = -32001;

/**
 * A server the user logged in to (MCP OAuth) no longer takes what gagent holds, and refreshing
 * did not help: only the user can sign in again, and a run never starts that on its own.
 */
export function mcpLoginRequired(server: string, options?: { cause?: unknown }): McpSessionError {
  return new McpSessionError(
    'unauthorized',
    `The MCP server "${server}" needs you to log in again: gagent mcp login ${server}`,
    ExitCode.NotAuthorized,
    undefined,
    options,
  );
}

export function classifyMcpError(
  err: unknown,
  server: string,
  doing: string,
): McpSessionError | InterruptedError {
  if (err instanceof McpSessionError || err instanceof InterruptedError) return err;
  if (err instanceof Error && err.name === 'AbortError' && !(err instanceof McpError)) {
    return new InterruptedError();
  }
  // The SDK's OAuth client wanted an interactive login, or the authorization server refused the
  // refresh token: either way the stored login is spent.
  if (
    err instanceof UnauthorizedError ||
    err instanceof InvalidGrantError ||
    err instanceof InvalidTokenError
  ) {
    return mcpLoginRequired(server, { cause: err });
  }
  if (err instanceof StdioServerError) {
    // A program that never started is the configuration's to fix; one that died or broke the protocol is the server's.
    const [kind, exitCode, what] =
      err.kind === 'not_started'
        ? (['unreachable', ExitCode.Usage, 'could not start'] as const)
        : err.kind === 'exited'
          ? (['unreachable', ExitCode.Unreachable, 'stopped'] as const)
          : (['protocol', ExitCode.Failure, 'broke the protocol'] as const);
    return new McpSessionError(
      kind,
      `The MCP server "${server}" ${what} while ${doing}: ${err.message}.`,
      exitCode,
      undefined,
      {
        cause: err,
      },
    );
  }
  if (err instanceof StreamableHTTPError) {
    const status = err.code ?? 0;
    const exitCode = exitCodeForStatus(status);
    if (status === 404 && doing !== 'connecting') {
      return new McpSessionError(
        'session_lost',
        `The MCP server "${server}" no longer knows our session.`,
        ExitCode.Unreachable,
        undefined,
        { cause: err },
      );
    }
    switch (httpVerdict(status)) {
      case 'rejected':
        return new McpSessionError(
          'unauthorized',
          `The MCP server "${server}" refused the credentials (HTTP ${status}) while ${doing}.`,
          exitCode,
          `Reconnect it with gagent connect ${server}, or check GAGENT_MCP_${server.toUpperCase()}_TOKEN / _HEADERS.`,
          { cause: err },
        );
      case 'unavailable':
        return new McpSessionError(
          'unreachable',
          `The MCP server "${server}" answered HTTP ${status} while ${doing}.`,
          exitCode,
          'Try again in a moment.',
          { cause: err },
        );
      case 'refused':
        return new McpSessionError(
          'protocol',
          `The MCP server "${server}" answered HTTP ${status} while ${doing}; is the URL a Streamable HTTP MCP endpoint?`,
          exitCode,
          undefined,
          { cause: err },
        );
    }
  }
  if (err instanceof McpError && err.code === REQUEST_TIMEOUT) {
    return new McpSessionError(
      'timeout',
      `The MCP server "${server}" did not answer in time while ${doing}.`,
      ExitCode.Unreachable,
      undefined,
      {
        cause: err,
      },
    );
  }
  if (isNetworkError(err) || (err instanceof TypeError && /fetch failed/i.test(err.message))) {
    return new McpSessionError(
      'unreachable',
      `Cannot reach the MCP server "${server}" while ${doing}.`,
      ExitCode.Unreachable,
      'Check that it is running and that its URL is right.',
      { cause: err },
    );
  }
  return new McpSessionError(
    'protocol',
    `The MCP server "${server}" failed while ${doing}: ${errorMessage(err)}`,
    ExitCode.Failure,
    undefined,
    {
      cause: err,
    },
  );
}
