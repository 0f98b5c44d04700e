import { Box, Text } from 'ink';
import type { StepOutcome } from '../../runner/events.js';
import type { FinishedStep } from '../state.js';
import { excerpt, formatCall } from '../state.js';
import { KindBadge } from './KindBadge.js';

function outcomeText(outcome: StepOutcome): { text: string; color?: string } {
  switch (outcome.type) {
    case 'mcp':
      return outcome.isError
        ? { text: `tool error: ${excerpt(outcome.resultText, 100)}`, color: 'red' }
        : { text: `returned: ${excerpt(outcome.resultText, 100)}`, color: 'green' };
    case 'screen':
      return { text: 'done on screen', color: 'green' };
    case 'notes':
      return { text: `noted: ${excerpt(outcome.notes.join('; '), 100)}` };
    case 'done':
      return { text: 'task complete', color: 'green' };
    case 'fail':
      return { text: 'gave up', color: 'red' };
    case 'refused':
      return { text: `not done: ${excerpt(outcome.reason, 100)}`, color: 'yellow' };
    case 'denied':
      return {
        text:
          outcome.by === 'policy'
            ? 'not run: needs approval, and nobody could approve'
            : 'not run: you declined it',
        color: 'yellow',
      };
    case 'format_error':
      return { text: `unusable reply: ${excerpt(outcome.reason, 100)}`, color: 'red' };
    case 'interrupted':
      return { text: 'interrupted (Ctrl+C)', color: 'yellow' };
  }
}

export function StepLine({ step }: { step: FinishedStep }) {
  const outcome = outcomeText(step.outcome);
  return (
    <Box flexDirection="column">
      <Text>
        <Text dimColor>{String(step.step + 1).padStart(3)} </Text>
        <KindBadge kind={step.kind} /> <Text bold>{formatCall(step.action)}</Text>
        <Text dimColor> {(step.durationMs / 1000).toFixed(1)}s</Text>
      </Text>
      <Text color={outcome.color}>{`       ${outcome.text}`}</Text>
    </Box>
  );
}
