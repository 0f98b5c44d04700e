import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, checked by running it.
import { checkLayers } from '../scripts/check-layers.mjs';
import { tempDir } from './helpers/temp.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function tree(files: Record<string, string>): string {
  const root = tempDir('gagent-layers-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the layer rule', () => {
  it('holds for the source tree: every import goes downward', () => {
    expect(checkLayers(SRC)).toEqual([]);
  });

  it('fails on an upward import, static or dynamic, naming the file and the rule', () => {
    const root = tree({
      'store/runs.ts': "import { Output } from '../cli/output.js';\n",
      'mcp/session.ts': "const agent = await import('../agent/agent.js');\n",
      'errors.ts': "import type { Store } from './store/store.js';\n",
      'agent/worker.ts': "import { x } from '../mcp/naming.js';\nimport { y } from '../store/runs.js';\n",
      'cli/output.ts': '',
      'agent/agent.ts': '',
      'store/store.ts': '',
      'mcp/naming.ts': '',
    });
    const problems = checkLayers(root) as string[];
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain(
      'store/runs.ts: imports cli/output.ts, but store must not import cli',
    );
    expect(problems.join('\n')).toContain(
      'mcp/session.ts: imports agent/agent.ts, but mcp must not import agent',
    );
    expect(problems.join('\n')).toContain(
      'errors.ts: imports store/store.ts, but foundation must not import store',
    );
  });
});
