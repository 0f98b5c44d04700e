/**
 * Memory with the real browser: a 300-step `gagent run --controller browser` (the built binary,
 * the system's Chromium, headless at 1280×800) on a local news page — a photo, a search field, a
 * button and an article to scroll, about half a megabyte a screenshot — driven by a scripted model
 * on loopback that clicks, types and scrolls, every action grounded on the screenshot. The peak RSS
 * of the gagent process itself (never Chromium's) after step 20 and over the whole run, and how
 * many of the steps' screenshots the history kept.
 */
import { startPageServer } from '../test/fixtures/page-server.js';
import { cliEnv, tempHome } from '../test/helpers/cli.js';
import { modelEnv, reply, startScriptedModel } from '../test/helpers/scripted-run.js';
import { runToStepLimit, screenshotsKept } from './step-limit-run.js';
import type { BenchRow } from './table.js';

const ACTIONS = [
  reply('agent.click("The Load more button")', 'Load more stories.'),
  reply('agent.type("The search field", "river plan", overwrite=True)', 'Search for the plan.'),
  reply('agent.scroll("The article", -3)', 'Read on.'),
  reply('agent.scroll("The article", 3)', 'Back to the top.'),
];

const POINTS: Record<string, [number, number]> = {
  'The Load more button': [740, 32],
  'The search field': [450, 32],
  'The article': [420, 500],
};

export async function benchBrowserRun(steps = 300, earlyStep = 20): Promise<BenchRow[]> {
  const pages = await startPageServer();
  const script = Array.from({ length: steps }, (_, i) => ACTIONS[i % ACTIONS.length] as string);
  const model = await startScriptedModel(script, POINTS);
  try {
    const env = cliEnv(tempHome('gagent-bench-'), modelEnv(model));
    const started = performance.now();
    const run = await runToStepLimit(
      steps,
      ['--controller', 'browser', '--url', `${pages.url}/article`],
      env,
      [earlyStep],
    );
    const seconds = (performance.now() - started) / 1000;
    if (run.outcomes.get('screen') !== steps)
      throw new Error(`every step of the browser bench should act on the page: ${[...run.outcomes]}`);
    process.stderr.write(`bench: the ${steps}-step browser run took ${seconds.toFixed(0)} s\n`);
    return [
      {
        what: `peak RSS, browser run, after step ${earlyStep}`,
        value: run.peakAfterStep.get(earlyStep) ?? Number.NaN,
        unit: 'MB',
        budget: { max: 250 },
      },
      {
        what: `peak RSS, ${steps}-step browser run (real Chromium, a news page)`,
        value: run.peakRssMb,
        unit: 'MB',
        budget: { max: 250 },
      },
      {
        what: 'screenshots kept in the browser run',
        value: await screenshotsKept(env),
        unit: 'of',
        baseline: { what: 'steps', value: steps },
      },
    ];
  } finally {
    await model.close();
    await pages.close();
  }
}
