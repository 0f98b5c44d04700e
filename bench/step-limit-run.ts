/**
 * `gagent run` to its step limit, as a user starts it (the built binary), with its peak memory
 * watched from outside: the process's own VmHWM in /proc, never Chromium's or anyone else's.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { BIN, runGagent } from '../test/helpers/cli.js';

/** Peak resident memory so far (VmHWM), read from /proc while the run goes. */
function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export interface StepLimitRun {
  /** The whole run's peak (MB). */
  peakRssMb: number;
  /** The peak so far when step n (1-based) had finished, for each n asked for. */
  peakAfterStep: Map<number, number>;
  /** How many steps ended in each kind of outcome (screen, mcp, refused…). */
  outcomes: Map<string, number>;
}

/** Runs `gagent run … --json` to its step limit (exit 6), watching its peak memory. */
export async function runToStepLimit(
  steps: number,
  extraArgs: string[],
  env: NodeJS.ProcessEnv,
  peakAfterSteps: number[] = [],
): Promise<StepLimitRun> {
  const args = [BIN, 'run', 'benchmark', '--max-steps', String(steps), '--json', ...extraArgs];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const peakAfterStep = new Map<number, number>();
  const outcomes = new Map<string, number>();
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"step_finished"')) continue;
      const event = JSON.parse(line) as { step: number; outcome: { type: string } };
      const finished = event.step + 1;
      if (child.pid && peakAfterSteps.includes(finished)) peakAfterStep.set(finished, peakRssMb(child.pid));
      outcomes.set(event.outcome.type, (outcomes.get(event.outcome.type) ?? 0) + 1);
    }
  });
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid) peak = Math.max(peak, peakRssMb(child.pid));
  }, 20);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  clearInterval(poll);
  if (exitCode !== 6)
    throw new Error(`a bench run should stop at --max-steps (exit 6), got ${exitCode}: ${stderr}`);
  return { peakRssMb: Math.max(peak, ...peakAfterStep.values()), peakAfterStep, outcomes };
}

/** How many screenshots the run in this home kept. */
export async function screenshotsKept(env: NodeJS.ProcessEnv): Promise<number> {
  const db = JSON.parse((await runGagent(['debug', 'db', '--json'], env)).stdout) as {
    rows: { step_artifacts: number };
  };
  return db.rows.step_artifacts;
}
