/** A failed sign-in as one sentence: what the authorization server said, or what went wrong on the way. */
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { GagentError, NotAuthorizedError } from '../../errors.js';
import { classifyMcpError } from '../errors.js';

/** Text from an authorization server is shown bounded (the terminal strips control sequences). */
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export function explainLoginError(err: unknown, name: string): GagentError {
  if (err instanceof GagentError) return err;
  if (err instanceof OAuthError) {
    return new NotAuthorizedError(
      `The authorization server of the MCP server "${name}" refused the sign-in: ${err.errorCode}${err.message ? ` (${clip(err.message)})` : ''}.`,
      `Run gagent mcp login ${name} again; if it keeps failing, gagent mcp logout ${name} forgets the registration first.`,
      { cause: err },
    );
  }
  if (err instanceof Error && /^Incompatible auth server/.test(err.message)) {
    return new NotAuthorizedError(
      `The authorization server of the MCP server "${name}" cannot sign gagent in: ${clip(err.message)}.`,
      undefined,
      { cause: err },
    );
  }
  return classifyMcpError(err, name, 'signing in');
}
