import { Box, Text, useStdout } from 'ink';
import { argumentLines } from '../approval-lines.js';
import type { PendingApproval } from '../state.js';

/** Asks before an MCP call: every argument (folded, never cut), what changed since an "always", and the choices. */
export function ApprovalPrompt({ approval, expanded }: { approval: PendingApproval; expanded: boolean }) {
  const { stdout } = useStdout();
  const columns = stdout.columns || 80;
  const lines = argumentLines(approval.args, approval.schemaOrder, { columns, expanded });
  const folded = lines.some((l) => l.hidden > 0);
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        Allow the MCP tool {approval.tool} on {approval.provider}?
      </Text>
      {approval.destructive ? (
        <Text color="red">The tool says it may delete or overwrite things.</Text>
      ) : null}
      {approval.changes.length > 0 ? (
        <Text color="yellow">
          You allowed this tool always before, but it has changed since: {approval.changes.join('; ')}.
        </Text>
      ) : null}
      {lines.length === 0 ? <Text dimColor>(no arguments)</Text> : null}
      {lines.map((line) => (
        <Text key={line.name} wrap="wrap">
          <Text bold>{line.name}</Text>: {line.text}
          {line.hidden > 0 ? (
            <Text color="cyan">{` … +${line.hidden} more characters (press v to view)`}</Text>
          ) : null}
        </Text>
      ))}
      <Text>
        <Text bold>y</Text> allow once · <Text bold>a</Text> always allow this tool · <Text bold>n</Text> deny
        (Enter denies)
        {folded || expanded ? (
          <>
            {' '}
            · <Text bold>v</Text> {expanded ? 'fold long values' : 'view everything'}
          </>
        ) : null}
      </Text>
    </Box>
  );
}
