import { Text } from 'ink';
import { useEffect, useState } from 'react';
import type { McpServerState } from '../../runner/events.js';
import type { RunViewState } from '../state.js';

const COLORS: Record<McpServerState['state'], string> = {
  connecting: 'cyan',
  ready: 'green',
  unreachable: 'red',
  unauthorized: 'red',
};

function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Where the run is: step n of max, time so far, and each MCP server's state as it changes. */
export function StatusBar({ state }: { state: RunViewState }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!state.header) return null;
  const step = (state.currentStep ?? state.steps.length) + 1;
  return (
    <Text dimColor wrap="truncate-end">
      step {Math.min(step, state.header.maxSteps)}/{state.header.maxSteps} ·{' '}
      {elapsed(now - (state.startedAt ?? now))}
      {state.servers.map((s) => (
        <Text key={s.name}>
          {' · '}
          {s.name}{' '}
          <Text color={COLORS[s.state]}>{s.state === 'ready' ? `ready (${s.tools} tools)` : s.state}</Text>
        </Text>
      ))}
    </Text>
  );
}
