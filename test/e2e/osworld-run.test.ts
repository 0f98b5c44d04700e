/**
 * `gagent run --controller osworld` against a VM that runs its programs as OSWorld's server does:
 * the system /platform names reaches the model's prompt and the shortcuts; a program the server
 * gives up on (HTTP 500 with its message) is a failed step the model is told about, not a lost VM.
 */
import { describe, expect, it } from 'vitest';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { unavailable } from '../helpers/binaries.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { events, generatorRequests, modelEnv, reply, startScriptedModel } from '../helpers/scripted-run.js';

const { later } = cleanupAfterEach();

const run = (url: string) => [
  'run',
  'write it',
  '--controller',
  'osworld',
  '--controller-url',
  url,
  '--json',
  '--no-reflection',
];

const noPython = unavailable(['python3'], 'the OSWorld runs on the fake VM');
describe.skipIf(noPython)('gagent run on an OSWorld VM', () => {
  it('tells the model the VM’s system and types with its shortcuts', async () => {
    const vm = later(await startFakeOsworld({ platform: 'Darwin', vm: {} }));
    const model = later(
      await startScriptedModel(
        [reply('agent.type("The note", "Grüße", overwrite=True)'), reply('agent.done()')],
        { 'The note': [100, 100] },
      ),
    );
    const result = await runGagent(run(vm.url), cliEnv(tempHome(), modelEnv(model)));
    expect(result.code).toBe(0);
    const [first] = generatorRequests(model.requests());
    expect(first?.text).toContain('You are working on a remote macOS desktop');
    expect(first?.text).not.toContain('Ubuntu');
    expect(vm.field()).toBe('Grüße');
    expect(
      vm
        .calls()
        .filter((c) => c[0] === 'hotkey')
        .map((c) => c[1]),
    ).toEqual([
      ['command', 'a'],
      ['command', 'v'],
    ]);
  });

  it('goes on after the server gives up on a program, showing its message to the model', async () => {
    const vm = later(await startFakeOsworld({ vm: { timeoutSeconds: 0.5 } }));
    const model = later(await startScriptedModel([reply('agent.wait(3)'), reply('agent.done()')]));
    const result = await runGagent(run(vm.url), cliEnv(tempHome(), modelEnv(model)));
    expect(result.code).toBe(0);
    const steps = events(result.stdout).filter((e) => e.type === 'step_finished');
    expect(steps[0]?.outcome).toMatchObject({
      type: 'refused',
      reason: expect.stringMatching(/HTTP 500: Command .* timed out after 0\.5 seconds$/s),
    });
    const [, second] = generatorRequests(model.requests());
    expect(second?.lastUserText).toContain('timed out after 0.5 seconds');
    expect(events(result.stdout).at(-1)).toMatchObject({ type: 'run_finished', status: 'done', exitCode: 0 });
  });
});
