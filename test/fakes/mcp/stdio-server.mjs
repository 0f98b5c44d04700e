// A stdio MCP server (the official SDK) for the stdio transport's tests. Plain JavaScript: it starts
// in a fraction of the time a TypeScript loader would take. Flags make it misbehave:
//   --grandchild        start a long-lived grandchild that shares its pipes, as `npx` does
//   --stubborn          that grandchild ignores SIGTERM
//   --stderr TEXT       write TEXT to stderr at start
//   --exit-at-once N    write to stderr and exit with code N before answering anything
//   --garbage           write a line that is not JSON-RPC on stdout, then serve on
//   --huge BYTES        write BYTES bytes on stdout without a newline, then idle
// Tools: whoami (its pid, the grandchild's, its environment and arguments), crash (exits with 7).
import { spawn } from 'node:child_process';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

if (value('--stderr') !== undefined) process.stderr.write(`${value('--stderr')}\n`);

if (value('--exit-at-once') !== undefined) {
  process.stderr.write('loading settings\nfatal: the setting FOO is missing\n');
  process.exit(Number(value('--exit-at-once')));
}

if (value('--huge') !== undefined) {
  process.stdout.write('x'.repeat(Number(value('--huge'))));
  setInterval(() => {}, 60_000);
} else {
  let grandchild;
  if (flag('--grandchild')) {
    const stubborn = flag('--stubborn') ? "process.on('SIGTERM', () => {});" : '';
    grandchild = spawn(
      process.execPath,
      ['-e', `${stubborn} process.send('ready'); setInterval(() => {}, 60000);`],
      { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
    );
    // Serving only once the grandchild runs (and ignores SIGTERM if it is to): a test that ends
    // the group then meets the grandchild it means to.
    await new Promise((resolve) => grandchild.once('message', resolve));
    grandchild.disconnect();
  }
  const server = new McpServer({ name: 'stdio-fixture', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who this process is.' }, () => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({
          pid: process.pid,
          grandchild: grandchild?.pid ?? null,
          env: process.env,
          argv: args,
        }),
      },
    ],
  }));
  server.registerTool('crash', { description: 'Exits at once.' }, () => {
    process.stderr.write('crashing on purpose\n');
    process.exit(7);
  });
  if (flag('--garbage')) process.stdout.write('Server listening on stdio, all good!\n');
  await server.connect(new StdioServerTransport());
}
