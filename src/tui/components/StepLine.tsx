import { Box, Text, useStdout } from 'ink';
import { reflectionVerdict, VERDICT_WORDS } from '../../agent/reflection.js';
import { landedAt } from '../../domain/screen.js';
import type { StepOutcome } from '../../runner/events.js';
import type { FinishedStep } from '../state.js';
import { excerpt, formatCall } from '../state.js';
import { KindBadge } from './KindBadge.js';

function outcomeText(outcome: StepOutcome, width: number): { text: string; color?: string } {
  switch (outcome.type) {
    case 'mcp':
      return outcome.isError
        ? { text: `tool error: ${excerpt(outcome.resultText, width)}`, color: 'red' }
        : { text: `returned: ${excerpt(outcome.resultText, width)}`, color: 'green' };
    case 'screen': {
      const at = landedAt(outcome.action);
      return { text: at ? `done on screen, at ${at}` : 'done on screen', color: 'green' };
    }
    case 'notes':
      return { text: `noted: ${excerpt(outcome.notes.join('; '), width)}` };
    case 'done':
      return { text: 'task complete', color: 'green' };
    case 'fail':
      return { text: 'gave up', color: 'red' };
    case 'refused':
      return { text: `not done: ${excerpt(outcome.reason, width)}`, color: 'yellow' };
    case 'denied':
      return {
        text:
          outcome.by === 'policy'
            ? 'not run: needs approval, and nobody could approve'
            : 'not run: you declined it',
        color: 'yellow',
      };
    case 'format_error':
      return { text: `unusable reply: ${excerpt(outcome.reason, width)}`, color: 'red' };
    case 'interrupted':
      return { text: 'interrupted (Ctrl+C)', color: 'yellow' };
  }
}

/** One finished step: its number, GUI/MCP badge, the call (as wide as the terminal allows), what came of it, and the reviewer's verdict. */
export function StepLine({ step }: { step: FinishedStep }) {
  const { stdout } = useStdout();
  const width = Math.max(40, (stdout.columns || 100) - 16);
  const outcome = outcomeText(step.outcome, width);
  const verdict = reflectionVerdict(step.reflection);
  return (
    <Box flexDirection="column">
      <Text>
        <Text dimColor>{String(step.step + 1).padStart(3)} </Text>
        <KindBadge kind={step.kind} /> <Text bold>{formatCall(step.action, width)}</Text>
        <Text dimColor> {(step.durationMs / 1000).toFixed(1)}s</Text>
      </Text>
      <Text color={outcome.color}>{`       ${outcome.text}`}</Text>
      {verdict ? (
        <Text color={verdict === 'off_track' ? 'yellow' : undefined} dimColor={verdict !== 'off_track'}>
          {`       reflection: ${VERDICT_WORDS[verdict]}${verdict === 'off_track' ? ` — ${excerpt((step.reflection ?? '').replace(/^.*?case\s*1[:.)]?\s*/i, ''), width - 32)}` : ''}`}
        </Text>
      ) : null}
    </Box>
  );
}
