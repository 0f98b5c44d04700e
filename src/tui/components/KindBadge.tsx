import { Text } from 'ink';
import type { StepKind } from '../../domain/run.js';

/** GUI and MCP steps must be told apart at a glance. */
export function KindBadge({ kind }: { kind: StepKind }) {
  return kind === 'mcp' ? (
    <Text color="black" backgroundColor="magenta" bold>
      {' MCP '}
    </Text>
  ) : (
    <Text color="black" backgroundColor="blue" bold>
      {' GUI '}
    </Text>
  );
}
