import { Box, Text } from 'ink';
import type { RunViewState } from '../state.js';
import { excerpt, formatArgs } from '../state.js';

/** What the last MCP call was given and what it returned (the result is untrusted data, shown sanitized). */
export function McpOutcomePanel({ last }: { last: RunViewState['lastMcp'] }) {
  if (!last) return null;
  const { outcome } = last;
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderColor={outcome.isError ? 'red' : 'magenta'}
      paddingX={1}
    >
      <Text>
        <Text bold color="magenta">
          MCP {outcome.provider} · {outcome.tool}
        </Text>
        <Text dimColor> (step {last.step + 1})</Text>
        <Text dimColor> {outcome.durationMs} ms</Text>
      </Text>
      <Text dimColor>args: {formatArgs(outcome.args, 200)}</Text>
      <Text color={outcome.isError ? 'red' : undefined}>
        {outcome.isError ? 'error: ' : 'result: '}
        {excerpt(outcome.resultText, 400)}
      </Text>
    </Box>
  );
}
