/**
 * A finished step in the words older steps are shown to the model: its plan in one line, and the
 * action with what came of it in another. A tool result is reduced to its size and its first line,
 * still fenced as data from outside.
 */

import type { ActionCall, StepOutcome } from '../domain/run.js';
import { landedAt } from '../domain/screen.js';
import { formatSize, oneLine } from '../format.js';
import { planIntent } from './plan-sections.js';
import { fenceInline } from './prompts.js';

function size(text: string): string {
  return formatSize(Buffer.byteLength(text));
}

function outcomeLine(outcome: StepOutcome): string {
  switch (outcome.type) {
    case 'screen': {
      const at = landedAt(outcome.action);
      return at ? `done on screen at ${at}` : 'done on screen';
    }
    case 'mcp': {
      const first = outcome.resultText.split('\n').find((l) => l.trim()) ?? '';
      const verb = outcome.isError ? 'reported an error' : 'returned';
      return `${outcome.provider} ${outcome.tool} ${verb}, ${size(outcome.resultText)}, starting ${fenceInline(outcome.provider, oneLine(first, 120))}`;
    }
    case 'notes':
      return 'saved to the text buffer';
    case 'done':
      return 'declared the task done';
    case 'fail':
      return 'declared the task impossible';
    case 'refused':
      return `did not run: ${oneLine(outcome.reason, 160)}`;
    case 'denied':
      return `not run: ${oneLine(outcome.reason, 120)}`;
    case 'format_error':
      return `the reply could not be used: ${oneLine(outcome.reason, 120)}`;
    case 'interrupted':
      return 'interrupted';
  }
}

function callText(call: ActionCall | null): string {
  if (!call) return '(no action)';
  const args = Object.entries(call.args).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return oneLine(`agent.${call.name}(${args.join(', ')})`, 200);
}

export function condenseStep(
  step: number,
  plan: string | null,
  call: ActionCall | null,
  outcome: StepOutcome,
): string {
  const lines = [`Step ${step + 1}: ${callText(call)} → ${outcomeLine(outcome)}`];
  if (plan) lines.push(`  plan: ${oneLine(planIntent(plan), 160)}`);
  return lines.join('\n');
}
