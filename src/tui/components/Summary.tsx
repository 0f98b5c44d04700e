import { Box, Text } from 'ink';
import type { RunViewState } from '../state.js';
import { excerpt } from '../state.js';

const LABEL = {
  done: { text: 'Done', color: 'green' },
  failed: { text: 'Failed', color: 'red' },
  max_steps: { text: 'Stopped at the step limit', color: 'yellow' },
  interrupted: { text: 'Interrupted', color: 'yellow' },
  error: { text: 'Error', color: 'red' },
} as const;

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
  const mcp = steps.filter((s) => s.kind === 'mcp').length;
  const gui = steps.filter((s) => s.kind === 'gui').length;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color={label.color}>
        {label.text}: {excerpt(finished.summary, 300)}
      </Text>
      <Text dimColor>
        {finished.steps} steps ({gui} GUI, {mcp} MCP) in {(finished.durationMs / 1000).toFixed(1)}s
        {runId ? ` · gagent runs show ${runId}` : ''}
      </Text>
    </Box>
  );
}
