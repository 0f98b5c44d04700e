/**
 * The reflection agent: after each step it judges the trajectory (off track / on track / complete).
 * Its own replies are not kept in its history (as in Agent S); --no-reflection means it is never called.
 */
import type { ModelImage } from '../controllers/screenshot-scaling.js';
import type { ModelProvider } from '../llm/types.js';
import { Conversation, type HistoryBudget } from './history.js';
import { neutralizeFences, reflectionSystemPrompt } from './prompts.js';

export class Reflector {
  private readonly conversation: Conversation;

  constructor(
    private readonly model: ModelProvider,
    task: string,
    budget: Partial<HistoryBudget>,
  ) {
    this.conversation = new Conversation(reflectionSystemPrompt(task), budget);
  }

  async reflect(input: {
    lastPlan: string;
    lastOutcome: string;
    /** The same step in one line, for when this turn is old enough to be condensed. */
    condensed: string | null;
    image: ModelImage | null;
    signal?: AbortSignal;
  }): Promise<{ text: string; modelMs: number }> {
    this.conversation.addUser(
      // The plan may quote outside text (an argument copied from a result): it must not close a fence.
      `The agent's last plan and action:\n${neutralizeFences(input.lastPlan)}\n\nWhat happened: ${input.lastOutcome}`,
      input.image,
    );
    if (input.condensed) this.conversation.condenseLatest(input.condensed);
    const reply = await this.model.complete({
      messages: this.conversation.messages(),
      temperature: 0,
      maxTokens: 400,
      signal: input.signal,
    });
    return { text: reply.text.trim(), modelMs: reply.durationMs };
  }
}

/** The reviewer's judgement of the trajectory, from its answer (Agent S's three cases). */
export type ReflectionVerdict = 'off_track' | 'on_track' | 'complete';

export function reflectionVerdict(text: string | null | undefined): ReflectionVerdict | null {
  if (!text) return null;
  const head = text.slice(0, 200).toLowerCase();
  if (/case\s*1\b|off[\s-]track|not on track/.test(head)) return 'off_track';
  if (/case\s*3\b|task is complete|is complete\b|completed\b/.test(head)) return 'complete';
  if (/case\s*2\b|on[\s-]track|\bcontinue\b/.test(head)) return 'on_track';
  return null;
}

export const VERDICT_WORDS: Record<ReflectionVerdict, string> = {
  off_track: 'off track',
  on_track: 'on track',
  complete: 'task complete',
};
