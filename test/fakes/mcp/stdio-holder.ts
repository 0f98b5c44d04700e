/**
 * A stand-in for gagent holding a stdio MCP server: a process of its own, so a test can read its
 * terminal output or kill it with SIGKILL. Run with tsx:
 *
 *   node --import tsx stdio-holder.ts '<StdioServerSpec as JSON>' hold|close|forget
 *
 * It connects the SDK client over StdioProcessTransport, calls the server's whoami tool, prints one
 * JSON line (the server's, grandchild's and watchdog's pids, and what whoami answered), then either
 * waits to be killed (hold), closes the server and exits (close), or just ends its script without
 * closing anything (forget), as a command with a bug would.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioProcessTransport, type StdioServerSpec } from '../../../src/mcp/stdio-transport.js';

const [specJson, mode] = process.argv.slice(2);
const transport = new StdioProcessTransport(JSON.parse(specJson as string) as StdioServerSpec);
const client = new Client({ name: 'stdio-holder', version: '1.0.0' });
await client.connect(transport);
const result = await client.callTool({ name: 'whoami', arguments: {} });
const whoami = JSON.parse((result.content as { text: string }[])[0]?.text ?? '{}') as { grandchild: number };
process.stdout.write(
  `${JSON.stringify({ server: transport.pid, grandchild: whoami.grandchild, watchdog: transport.watchdogPid, whoami })}\n`,
);
if (mode === 'hold') setInterval(() => {}, 60_000);
else if (mode === 'close') await client.close();
