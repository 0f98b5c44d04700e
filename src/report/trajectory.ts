/**
 * A run as one self-contained HTML page: the run at the top, a timeline, then every step — for a
 * GUI step the screenshot the model saw with a marker where the action landed, for an MCP step the
 * call, who allowed it and what came back. Nothing leaves the page: pictures are embedded, the
 * style and the one script are inline and allowed by their hashes, everything else is forbidden.
 * Every text from the run is escaped (a tool result is data, shown as text).
 */
import { planIntent } from '../agent/plan-sections.js';
import { reflectionVerdict, VERDICT_WORDS } from '../agent/reflection.js';
import { landedAt } from '../domain/screen.js';
import type { StoredScreenshot } from '../store/artifacts.js';
import type { RunRow, RunStepRow } from '../store/runs.js';
import {
  actionArgs,
  actionName,
  describeAction,
  describeApproval,
  describeOutcome,
  screenActionOf,
} from './describe-step.js';
import { cspHash, escapeHtml } from './html.js';
import { screenshotFigure } from './markers.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_STYLE } from './report-style.js';

export interface TrajectoryInput {
  run: RunRow;
  steps: RunStepRow[];
  screenshots: StoredScreenshot[];
  /** gagent's version and the time the report was made, for the footer. */
  version: string;
  generatedAt: string;
}

function seconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function runDuration(run: RunRow): string {
  if (!run.finishedAt) return run.status === 'running' ? 'still running' : '';
  return seconds(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
}

const text = (value: unknown) => escapeHtml(String(value ?? ''));

function detail(term: string, body: string, raw = false): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${raw ? body : escapeHtml(body)}</dd>`;
}

/** Where the action landed and on what, under its picture. */
function caption(step: RunStepRow): string {
  const action = screenActionOf(step.outcome);
  const at = action ? landedAt(action) : null;
  const target = actionArgs(step.action).find(([name]) => name.endsWith('description'))?.[1];
  const parts = [
    at ? `${action?.type ?? 'acted'} at ${at}` : `screen before ${actionName(step.action) ?? 'the step'}`,
    typeof target === 'string' ? `“${target}”` : null,
  ];
  return parts.filter(Boolean).join(' — ');
}

function mcpDetails(step: RunStepRow): string {
  const o = (step.outcome ?? {}) as { type?: string; [key: string]: unknown };
  const rows: string[] = [];
  if (o.provider || o.tool) rows.push(detail('tool', `${text(o.provider)} ${text(o.tool)}`.trim(), true));
  const args = actionArgs(step.action);
  if (args.length > 0)
    rows.push(
      detail('arguments', `<pre>${text(JSON.stringify(Object.fromEntries(args), null, 2))}</pre>`, true),
    );
  const approval = describeApproval(step.approval);
  if (approval) rows.push(detail('approval', approval));
  if (o.type === 'mcp')
    rows.push(
      detail(
        o.isError ? 'error' : 'result',
        `<pre class="result${o.isError ? ' error' : ''}">${text(o.resultText)}</pre>`,
        true,
      ),
    );
  else rows.push(detail('outcome', describeOutcome(step.outcome, 2000)));
  return rows.join('');
}

function stepArticle(step: RunStepRow, shot: StoredScreenshot | undefined): string {
  const verdict = reflectionVerdict(step.reflection);
  const kind = step.kind === 'mcp' ? 'mcp' : 'gui';
  const details: string[] = [];
  if (step.plan) details.push(detail('plan', planIntent(step.plan)));
  if (kind === 'mcp') details.push(mcpDetails(step));
  else details.push(detail('outcome', describeOutcome(step.outcome, 2000)));
  if (step.reflection) details.push(detail('reflection', step.reflection));
  if (step.plan)
    details.push(
      detail('full reply', `<details><summary>show</summary><pre>${text(step.plan)}</pre></details>`, true),
    );
  // An MCP step's screen is what the model saw when it chose the call: there, folded away.
  const picture = shot ? screenshotFigure(shot, screenActionOf(step.outcome), caption(step)) : '';
  const figure = kind === 'mcp' ? '' : picture;
  const folded =
    kind === 'mcp' && picture
      ? `<details class="screen"><summary>The screen at this step</summary>${picture}</details>`
      : '';
  return [
    `<article class="step ${kind}" id="step-${step.idx + 1}" tabindex="-1">`,
    '<h2>',
    `<span class="kind">${kind.toUpperCase()}</span>`,
    `<span>Step ${step.idx + 1}</span>`,
    `<span class="call">${text(describeAction(step.action))}</span>`,
    verdict ? `<span class="verdict ${verdict}">${escapeHtml(VERDICT_WORDS[verdict])}</span>` : '',
    `<span class="duration">${escapeHtml(seconds(step.durationMs))}</span>`,
    '</h2>',
    `<div class="body${figure ? '' : ' no-shot'}">`,
    figure,
    `<dl class="details">${details.join('')}</dl>`,
    folded,
    '</div>',
    '</article>',
  ].join('');
}

function timeline(steps: RunStepRow[]): string {
  const links = steps.map((s) => {
    const verdict = reflectionVerdict(s.reflection);
    const classes = [s.kind === 'mcp' ? 'mcp' : 'gui', verdict === 'off_track' ? 'off_track' : '']
      .filter(Boolean)
      .join(' ');
    return `<a class="${classes}" href="#step-${s.idx + 1}" title="${text(describeAction(s.action))}">${s.idx + 1}</a>`;
  });
  return `<nav class="timeline" aria-label="Steps">${links.join('')}</nav>`;
}

export function renderTrajectory(input: TrajectoryInput): string {
  const { run, steps } = input;
  const shots = new Map(input.screenshots.map((s) => [s.idx, s]));
  const gui = steps.filter((s) => s.kind !== 'mcp').length;
  const policy = [
    "default-src 'none'",
    'img-src data:',
    `style-src ${cspHash(REPORT_STYLE)}`,
    `script-src ${cspHash(REPORT_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const facts = [
    ['run', run.id],
    ['user', run.userId],
    ['model', run.model],
    ['controller', run.controller],
    ['started', run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['duration', runDuration(run)],
    [
      'steps',
      `${steps.length} (${gui} GUI, ${steps.length - gui} MCP), ${input.screenshots.length} screenshots`,
    ],
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>gagent · ${text(run.task.slice(0, 80))}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head><body><div class="page">',
    '<header>',
    `<h1>${text(run.task)}</h1>`,
    '<dl class="facts">',
    `<dt>outcome</dt><dd><span class="status ${text(run.status)}">${text(run.status.replace('_', ' '))}</span>${run.summary ? ` — ${text(run.summary)}` : ''}</dd>`,
    ...facts.map(([term, value]) => `<dt>${text(term)}</dt><dd>${text(value)}</dd>`),
    '</dl>',
    '<p class="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> or <kbd>←</kbd>/<kbd>→</kbd> next and previous step, <kbd>Home</kbd>/<kbd>End</kbd> first and last.</p>',
    '</header>',
    steps.length > 0 ? timeline(steps) : '',
    '<main>',
    steps.length > 0
      ? steps.map((s) => stepArticle(s, shots.get(s.idx))).join('\n')
      : '<p>This run has no steps.</p>',
    '</main>',
    `<footer>Made by gagent ${text(input.version)} on ${text(input.generatedAt)}. This file is self-contained: it loads nothing and sends nothing. Secrets in its text are redacted; the screenshots show the screen as the agent saw it.</footer>`,
    '</div>',
    `<script>${REPORT_SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}
