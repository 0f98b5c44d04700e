import { Box, Text } from 'ink';
import type { RunViewState } from '../state.js';
import { excerpt } from '../state.js';

const LABEL = {
  done: { text: 'Done', color: 'green' },
  failed: { text: 'Failed', color: 'red' },
  max_steps: { text: 'Stopped at the step limit', color: 'yellow' },
  interrupted: { text: 'Interrupted', color: 'yellow' },
  error: { text: 'Error', color: 'red' },
  cancelled: { text: 'Cancelled', color: 'yellow' },
} as const;

/** "3 steps (1 GUI, 1 MCP)": every step shown, with done() and fail() counted as neither kind. */
export function stepCount(finished: { steps: number }, steps: RunViewState['steps']): string {
  const n = Math.max(finished.steps, steps.length);
  const acted = steps.filter((s) => s.outcome.type !== 'done' && s.outcome.type !== 'fail');
  const gui = acted.filter((s) => s.kind === 'gui').length;
  const mcp = acted.filter((s) => s.kind === 'mcp').length;
  return `${n} step${n === 1 ? '' : 's'} (${gui} GUI, ${mcp} MCP)`;
}

export function Summary({
  finished,
  runId,
  steps,
}: {
  finished: NonNullable<RunViewState['finished']>;
  runId: string | null;
  steps: RunViewState['steps'];
}) {
  const label = LABEL[finished.status];
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color={label.color}>
        {label.text}: {excerpt(finished.summary, 300)}
      </Text>
      <Text dimColor>
        {stepCount(finished, steps)} in {(finished.durationMs / 1000).toFixed(1)}s
        {runId ? ` · gagent runs show ${runId}` : ''}
      </Text>
    </Box>
  );
}
