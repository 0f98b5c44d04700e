import { Box, Text } from 'ink';
import type { PendingApproval } from '../state.js';
import { formatArgs } from '../state.js';

export function ApprovalPrompt({ approval }: { approval: PendingApproval }) {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        Allow the MCP tool {approval.tool} on {approval.provider}?
      </Text>
      <Text>args: {formatArgs(approval.args, 300)}</Text>
      <Text>
        <Text bold>y</Text> allow once · <Text bold>n</Text> deny (the agent is told) · run with --yes to
        approve all
      </Text>
    </Box>
  );
}
