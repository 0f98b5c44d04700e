import { Box, Text } from 'ink';
import type { RunViewState } from '../state.js';
import { excerpt } from '../state.js';

export function Header({ header, problems }: Pick<RunViewState, 'header' | 'problems'>) {
  if (!header) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
      <Text>
        <Text bold>task </Text>
        {excerpt(header.task, 200)}
      </Text>
      <Text dimColor>
        model {header.model} · controller {header.controller} · user {header.user} ·{' '}
        {header.mcpActions.length === 0 ? 'no MCP actions' : `${header.mcpActions.length} MCP actions`}
      </Text>
      {problems.map((p) => (
        <Text key={p} color="yellow">
          ! {excerpt(p, 160)}
        </Text>
      ))}
    </Box>
  );
}
