import { describe, expect, it } from 'vitest';
import { Conversation, estimateTokens } from '../../src/agent/history.js';

const RESULT = `first line of the result\n${'x'.repeat(4000)}`;

/** A run of `steps` MCP steps whose tool results are 4,000 characters, as the worker records them. */
function run(steps: number, maxTokens = 24_000) {
  const conversation = new Conversation('system prompt', { maxTokens });
  for (let step = 0; step < steps; step++) {
    conversation.addUser(`Step ${step + 1}.\n\nCONNECTED-ACCOUNT ACTION OUTCOME:\n${RESULT}`);
    conversation.addAssistant(
      `(Next Action)\nFetch page ${step + 1}.\n\`\`\`python\nagent.x_fetch(page=${step + 1})\n\`\`\``,
    );
    conversation.condenseLatest(
      `Step ${step + 1}: agent.x_fetch(page=${step + 1}) → x FETCH returned, 4.0 KB`,
    );
  }
  conversation.addUser(`Step ${steps + 1}.`);
  return conversation.messages();
}

describe('the bounded conversation', () => {
  it('stays under its token budget however long the run, and the request at step 300 is not much larger than at 30', () => {
    const at30 = run(30);
    const at300 = run(300);
    expect(estimateTokens(at30)).toBeLessThanOrEqual(24_000);
    expect(estimateTokens(at300)).toBeLessThanOrEqual(24_000);
    const bytes = (m: unknown) => JSON.stringify(m).length;
    expect(bytes(at300)).toBeLessThanOrEqual(2 * bytes(at30));
  });

  it('still tells the model what happened, in order: condensed lines, then the latest steps word for word', () => {
    const messages = run(40);
    const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const earlier = text.indexOf('Earlier steps, oldest first');
    expect(earlier).toBeGreaterThan(0);
    // The oldest shown lines come before the newer ones, and the last steps are verbatim.
    expect(text.indexOf('Step 20: agent.x_fetch(page=20)')).toBeLessThan(
      text.indexOf('Step 30: agent.x_fetch(page=30)'),
    );
    expect(text).toContain('Fetch page 40.');
    expect(text).toContain('Step 41.');
    expect(messages.at(-1)).toMatchObject({ role: 'user', content: 'Step 41.' });
  });

  it('fits a small model: with an 8k budget it still holds the latest step and says how many lines it left out', () => {
    const messages = run(300, 8_000);
    expect(estimateTokens(messages)).toBeLessThanOrEqual(8_000);
    const text = JSON.stringify(messages);
    expect(text).toMatch(/the first \d+ are not shown/);
    expect(text).toContain('Step 301.');
  });
});
