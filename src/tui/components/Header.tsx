import { Box, Text } from 'ink';
import type { RunViewState } from '../state.js';
import { excerpt } from '../state.js';

/** What the run is: printed once, above the steps. */
export function Header({ header }: Pick<RunViewState, 'header'>) {
  if (!header) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
      <Text>
        <Text bold>task </Text>
        {excerpt(header.task, 400)}
      </Text>
      <Text dimColor>
        model {header.model} · controller {header.controller} · user {header.user} · at most {header.maxSteps}{' '}
        steps
      </Text>
    </Box>
  );
}
