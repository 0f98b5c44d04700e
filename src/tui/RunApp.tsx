/** The live view of `gagent run`: header, finished steps (GUI/MCP), current plan, last MCP outcome, approvals, summary. */
import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer, useState } from 'react';
import type { ApprovalAnswer } from '../agent/approval.js';
import { planIntent } from '../agent/plan-sections.js';
import type { RunEvent } from '../runner/events.js';
import { ApprovalPrompt } from './components/ApprovalPrompt.js';
import { Header } from './components/Header.js';
import { KindBadge } from './components/KindBadge.js';
import { McpOutcomePanel } from './components/McpOutcomePanel.js';
import { Spinner } from './components/Spinner.js';
import { StatusBar } from './components/StatusBar.js';
import { StepLine } from './components/StepLine.js';
import { Summary } from './components/Summary.js';
import { excerpt, formatCall, initialRunViewState, reduceRunView } from './state.js';

export interface RunAppProps {
  subscribe: (listener: (event: RunEvent) => void) => () => void;
  /** Answers the pending approval request. */
  onApproval: (answer: ApprovalAnswer) => void;
  /** Ctrl+C: stop the run cleanly (the history is saved). */
  onInterrupt: () => void;
  /** Whether keys can be read (stdin is a terminal); without it nobody can approve. */
  keyboard?: boolean;
}

const THINKING_LABEL = {
  reflection: 'reflecting on the last step…',
  plan: 'thinking…',
  grounding: 'locating the element…',
};

export function RunApp({ subscribe, onApproval, onInterrupt, keyboard = true }: RunAppProps) {
  const [state, dispatch] = useReducer(reduceRunView, initialRunViewState);
  const [expanded, setExpanded] = useState(false);
  const { stdout } = useStdout();
  const width = Math.max(40, (stdout.columns || 100) - 16);
  const { exit } = useApp();

  useEffect(() => subscribe(dispatch), [subscribe]);
  useEffect(() => {
    if (state.finished) {
      // Let the final frame render before Ink unmounts.
      const timer = setTimeout(() => exit(), 0);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [state.finished, exit]);

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        onInterrupt();
        return;
      }
      if (!state.approval) return;
      const answer = (choice: ApprovalAnswer) => {
        setExpanded(false);
        onApproval(choice);
      };
      const lower = input.toLowerCase();
      if (lower === 'y') answer('once');
      else if (lower === 'a') answer('always');
      else if (lower === 'n' || key.escape || key.return) answer('deny');
      else if (lower === 'v') setExpanded((e) => !e);
    },
    { isActive: keyboard },
  );

  // Printed for good once its verdict is known; until then the last step stays live.
  const printed = state.steps.filter((s) => s.step !== state.awaitingVerdict).map((s) => s.step);
  const awaiting = state.steps.find((s) => s.step === state.awaitingVerdict);
  return (
    <Box flexDirection="column">
      <Static items={[...(state.header ? ['header'] : []), ...printed]}>
        {(item) =>
          item === 'header' ? (
            <Header key="header" header={state.header} />
          ) : (
            <StepLine
              key={`step-${item}`}
              step={state.steps.find((s) => s.step === item) as (typeof state.steps)[number]}
            />
          )
        }
      </Static>
      {awaiting ? <StepLine step={awaiting} /> : null}
      {state.warnings.slice(-3).map((w) => (
        <Text key={w.id} color="yellow">
          ! {excerpt(w.message, 200)}
        </Text>
      ))}
      {!state.finished && state.plan ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            <Text dimColor>step {state.plan.step + 1} </Text>
            <KindBadge kind={state.plan.kind} /> <Text bold>{formatCall(state.plan.action, width)}</Text>
          </Text>
          <Text dimColor wrap="truncate-end">
            {excerpt(planIntent(state.plan.text), width * 2)}
          </Text>
        </Box>
      ) : null}
      {!state.finished ? <McpOutcomePanel last={state.lastMcp} /> : null}
      {state.approval ? <ApprovalPrompt approval={state.approval} expanded={expanded} /> : null}
      {!state.finished && state.thinking ? (
        <Spinner
          label={`step ${(state.currentStep ?? 0) + 1}: ${THINKING_LABEL[state.thinking]}${state.formatRetries ? ` (retry ${state.formatRetries})` : ''}`}
        />
      ) : null}
      {state.finished ? <Summary finished={state.finished} runId={state.runId} steps={state.steps} /> : null}
      {!state.finished ? <StatusBar state={state} /> : null}
    </Box>
  );
}
