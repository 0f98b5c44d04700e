/** A stdio server that cannot start, dies, or breaks the protocol: one clear error, no hang, nothing left. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { isRunning } from '../helpers/processes.js';
import { fixtureSpec, stdioServers } from '../helpers/stdio-servers.js';
import { tempDir } from '../helpers/temp.js';

const { open, whoami } = stdioServers(cleanupAfterEach());

describe('StdioProcessTransport turns a broken server into a clear error', () => {
  it('a program that does not exist', async () => {
    const { transport, connect } = open(fixtureSpec([], { command: 'gagent-no-such-program' }));
    await expect(connect()).rejects.toThrow('the program "gagent-no-such-program" was not found');
    expect(transport.pid).toBeUndefined();
    expect(transport.watchdogPid).toBeUndefined();
  });

  it('a working directory that does not exist', async () => {
    const missing = path.join(tempDir(), 'gone');
    const { transport, connect } = open(fixtureSpec([], { cwd: missing }));
    await expect(connect()).rejects.toThrow(`the working directory "${missing}" does not exist`);
    expect(transport.pid).toBeUndefined();
  });

  it('a program that exits at once: its exit code, its log, its last lines with its tokens redacted', async () => {
    const spec = fixtureSpec(['--stderr', 'using token tok-0123456789', '--exit-at-once', '3'], {
      env: { API_TOKEN: 'tok-0123456789' },
    });
    const { transport, connect } = open(spec);
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe(
      `the program exited with code 3 before answering; its log: ${spec.logFile} (it ends: "using token [REDACTED] / loading settings / fatal: the setting FOO is missing")`,
    );
    expect(transport.failure?.kind).toBe('exited');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });

  it('a program that exits after answering, leaving a grandchild on its pipes', async () => {
    const spec = fixtureSpec(['--grandchild']);
    const { transport, client, connect } = open(spec);
    const errors: Error[] = [];
    await connect();
    client.onerror = (err) => errors.push(err);
    const who = await whoami(client);
    await expect(client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/Connection closed/);
    expect(transport.failure?.message).toBe(
      `the program exited with code 7; its log: ${spec.logFile} (it ends: "crashing on purpose")`,
    );
    expect(errors).toContain(transport.failure);
    expect([who.pid, who.grandchild as number, transport.watchdogPid as number].map(isRunning)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('a program that writes something other than MCP messages on stdout', async () => {
    const { transport, connect } = open(fixtureSpec(['--garbage']));
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe(
      'the program wrote something other than an MCP message on stdout: "Server listening on stdio, all good!"',
    );
    expect(transport.failure?.kind).toBe('bad_output');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });

  it('a program that writes an endless line: ended at the limit, not buffered', async () => {
    const { transport, connect } = open(fixtureSpec(['--huge', String(5 * 1024 * 1024)]));
    await expect(connect()).rejects.toThrow();
    expect(transport.failure?.message).toBe('the program wrote a message larger than 4.0 MB on stdout');
    expect([transport.pid as number, transport.watchdogPid as number].map(isRunning)).toEqual([false, false]);
  });
});
