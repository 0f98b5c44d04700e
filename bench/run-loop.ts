/**
 * The run loop: per-step overhead with a zero-latency model at 1280×800 (step time minus model
 * time, from the run's own events), and the peak RSS of a 100-step run, both measured on the
 * built binary against the OSWorld fake with detailed screenshots and a scripted model.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startFakeOsworld } from '../test/fakes/osworld/server.js';
import { cliEnv, tempHome } from '../test/helpers/cli.js';
import { events, modelEnv, reply, startScriptedModel } from '../test/helpers/scripted-run.js';
import { type BenchRow, median } from './table.js';

const BIN = fileURLToPath(new URL('../bin/gagent.cjs', import.meta.url));

interface RunMeasurement {
  overheadMs: number[];
  peakRssMb: number;
  exitCode: number | null;
}

/** Peak resident memory so far (VmHWM), read from /proc while the run goes. */
function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function measuredRun(steps: number): Promise<RunMeasurement> {
  const vm = await startFakeOsworld({ width: 1280, height: 800, detailed: true });
  // Clicks (grounded: a second model call and a screenshot in the prompt) alternate with typing.
  const script = Array.from({ length: steps }, (_, i) =>
    i % 2 === 0 ? reply('agent.click("The Send button")') : reply('agent.type(text="hello")'),
  );
  const model = await startScriptedModel(script, { 'The Send button': [640, 400] });
  const env = cliEnv(tempHome('gagent-bench-'), modelEnv(model));
  const child = spawn(
    process.execPath,
    [
      BIN,
      'run',
      'benchmark',
      '--controller',
      'osworld',
      '--controller-url',
      vm.url,
      '--max-steps',
      String(steps),
      '--json',
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid) peak = Math.max(peak, peakRssMb(child.pid));
  }, 20);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  clearInterval(poll);
  await model.close();
  await vm.close();
  const finished = events(stdout).filter((e) => e.type === 'step_finished') as unknown as {
    durationMs: number;
    modelMs: number;
  }[];
  return { overheadMs: finished.map((s) => s.durationMs - s.modelMs), peakRssMb: peak, exitCode };
}

export async function benchRunLoop(): Promise<BenchRow[]> {
  const short = await measuredRun(40);
  const long = await measuredRun(100);
  if (long.exitCode !== 6 || short.exitCode !== 6)
    throw new Error(
      `bench runs should stop at --max-steps (exit 6), got ${short.exitCode} / ${long.exitCode}`,
    );
  return [
    {
      what: 'per-step overhead at 1280×800 (model time excluded)',
      value: median(short.overheadMs),
      unit: 'ms',
      budget: { max: 100 },
    },
    { what: 'peak RSS of a 100-step run', value: long.peakRssMb, unit: 'MB', budget: { max: 250 } },
  ];
}
