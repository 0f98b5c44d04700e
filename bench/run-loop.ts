/**
 * The run loop, measured from outside the process on the built binary with zero-latency scripted
 * models: the per-step overhead at 1280×800 (the time between one step's model request and the
 * next, as the model server sees it), the peak RSS of 100- and 300-step GUI runs, and the size of
 * the model's requests at steps 30 and 300 of an MCP run whose every tool result is 4,000
 * characters.
 */
import { startFakeMcpServer, text } from '../test/fakes/mcp/server.js';
import type { FakeModelServer } from '../test/fakes/model/scripted-server.js';
import { startFakeOsworld } from '../test/fakes/osworld/server.js';
import { cliEnv, tempHome } from '../test/helpers/cli.js';
import {
  generatorRequests,
  isReflection,
  modelEnv,
  reply,
  startScriptedModel,
} from '../test/helpers/scripted-run.js';
import { runToStepLimit, screenshotsKept } from './step-limit-run.js';
import { type BenchRow, median } from './table.js';

/** Gaps between consecutive generator requests: each is one whole step, less the (zero) model latency. */
function stepGapsMs(model: FakeModelServer): number[] {
  const arrivals = generatorRequests(model.requests()).map((r) => r.receivedAt);
  return arrivals.slice(1).map((at, i) => at - (arrivals[i] as number));
}

async function guiRun(steps: number): Promise<{ gapsMs: number[]; peakRssMb: number; screenshots: number }> {
  const vm = await startFakeOsworld({ width: 1280, height: 800, detailed: true });
  // Clicks (grounded: a second model call with the screenshot) alternate with typing.
  const script = Array.from({ length: steps }, (_, i) =>
    i % 2 === 0 ? reply('agent.click("The Send button")') : reply('agent.type(text="hello")'),
  );
  const model = await startScriptedModel(script, { 'The Send button': [640, 400] });
  try {
    const env = cliEnv(tempHome('gagent-bench-'), modelEnv(model));
    const run = await runToStepLimit(steps, ['--controller', 'osworld', '--controller-url', vm.url], env);
    return { gapsMs: stepGapsMs(model), peakRssMb: run.peakRssMb, screenshots: await screenshotsKept(env) };
  } finally {
    await model.close();
    await vm.close();
  }
}

/** 4,000 characters of a report page: many lines, as a real tool result would have. */
function reportPage(page: number): string {
  const lines = [`Report page ${page} of 300: quarterly figures by region.`];
  for (let row = 1; lines.join('\n').length < 4000; row++)
    lines.push(
      `row ${row}: region ${row % 7}, revenue ${(row * 7919) % 100_000}, margin ${(row * 31) % 100}%`,
    );
  return lines.join('\n').slice(0, 4000);
}

async function mcpRun(steps: number): Promise<{ generatorBytes: number[]; reflectionBytes: number[] }> {
  const reports = await startFakeMcpServer({
    name: 'reports',
    tools: [
      {
        name: 'read_page',
        description: 'Read one page of the quarterly report.',
        inputSchema: { type: 'object', properties: { page: { type: 'integer' } }, required: ['page'] },
        annotations: { readOnlyHint: true },
        handler: (args) => text(reportPage(Number(args.page))),
      },
    ],
  });
  const script = Array.from({ length: steps }, (_, i) =>
    reply(`agent.reports_read_page(page=${i + 1})`, `Read page ${i + 1}.`),
  );
  const model = await startScriptedModel(script);
  try {
    const env = cliEnv(tempHome('gagent-bench-'), {
      ...modelEnv(model),
      GAGENT_MCP_REPORTS_URL: reports.url.toString(),
      GAGENT_MCP_REPORTS_TRUST: 'read-only-hints',
    });
    await runToStepLimit(steps, ['--controller', 'none'], env);
    const requests = model.requests();
    return {
      generatorBytes: generatorRequests(requests).map((r) => r.bytes),
      reflectionBytes: requests.filter(isReflection).map((r) => r.bytes),
    };
  } finally {
    await model.close();
    await reports.close();
  }
}

const kib = (bytes: number) => bytes / 1024;

export async function benchRunLoop(): Promise<BenchRow[]> {
  const short = await guiRun(100);
  const long = await guiRun(300);
  const mcp = await mcpRun(300);
  const at = (sizes: number[], step: number) => {
    const size = sizes[step - 1];
    if (size === undefined) throw new Error(`the MCP bench run made fewer than ${step} requests`);
    return kib(size);
  };
  // Reflection starts at the second step, so its n-th request reviews step n + 1.
  return [
    {
      what: 'per-step overhead at 1280×800, from outside',
      value: median([...short.gapsMs, ...long.gapsMs]),
      unit: 'ms',
      budget: { max: 100 },
    },
    { what: 'peak RSS, 100-step GUI run', value: short.peakRssMb, unit: 'MB', budget: { max: 250 } },
    { what: 'peak RSS, 300-step GUI run', value: long.peakRssMb, unit: 'MB', budget: { max: 250 } },
    {
      // Pictures of noise compress slowly; with a zero-latency model some are skipped, as designed.
      what: 'screenshots kept in the 300-step run (worst-case noise pictures)',
      value: long.screenshots,
      unit: 'of',
      baseline: { what: 'steps', value: 300 },
    },
    {
      what: 'model request at step 300 (4,000-char results)',
      value: at(mcp.generatorBytes, 300),
      unit: 'KiB',
      baseline: { what: 'step 30', value: at(mcp.generatorBytes, 30) },
      budget: { ratio: 2 },
    },
    {
      what: 'reflection request at step 300',
      value: at(mcp.reflectionBytes, 299),
      unit: 'KiB',
      baseline: { what: 'step 30', value: at(mcp.reflectionBytes, 29) },
      budget: { ratio: 2 },
    },
  ];
}
