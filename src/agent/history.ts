/**
 * A model's conversation over a run, bounded however long the run is: the last few steps word for
 * word, every older step condensed to one line (what was done and what came of it), and the whole
 * request kept under a token budget — first by condensing more steps, then by showing fewer old
 * lines (with a count of those left out), then by keeping fewer screenshots. The model still reads
 * what happened in order. Designed so a model with a 32k context can run hundreds of steps.
 */
import type { ModelImage } from '../controllers/screenshot-scaling.js';
import type { ChatMessage, ContentPart } from '../llm/types.js';

const DROPPED = '[an earlier screenshot was here; only the most recent ones are kept]';

/** What a screenshot costs in the budget, in tokens (models bill roughly this for ~1280 px images). */
export const IMAGE_TOKENS = 1_200;

export interface HistoryBudget {
  /** Screenshots kept (the most recent ones). */
  maxImages: number;
  /** Steps kept word for word (the most recent ones); older ones are condensed. */
  verbatimSteps: number;
  /** The most the request may cost, in estimated tokens (text ≈ 4 characters a token). */
  maxTokens: number;
  /** Condensed lines shown at most; older ones are counted, not shown. */
  maxCondensedLines: number;
}

export const DEFAULT_HISTORY_BUDGET: HistoryBudget = {
  maxImages: 8,
  verbatimSteps: 4,
  maxTokens: 24_000,
  maxCondensedLines: 60,
};

export function imagePart(image: ModelImage): ContentPart {
  return { type: 'image', data: image.data, mediaType: image.mediaType };
}

/** Keeps the last `maxImages` images; older image parts become a short text note. */
export function keepRecentImages(messages: ChatMessage[], maxImages: number): ChatMessage[] {
  let seen = 0;
  const out: ChatMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (typeof m.content === 'string' || !m.content.some((p) => p.type === 'image')) {
      out.push(m);
      continue;
    }
    const content = m.content.map((p): ContentPart => {
      if (p.type !== 'image') return p;
      seen += 1;
      return seen <= maxImages ? p : { type: 'text', text: DROPPED };
    });
    out.push({ ...m, content });
  }
  return out.reverse();
}

/** The estimated size of a request in tokens: its text at ~4 characters a token, each image at a flat cost. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  let images = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const p of m.content) {
        if (p.type === 'text') chars += p.text.length;
        else images += 1;
      }
  }
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS;
}

interface Turn {
  user: ChatMessage;
  assistant: string | null;
  /** The step in one line, once its outcome is known. */
  condensed: string | null;
}

function withPreface(message: ChatMessage, preface: string): ChatMessage {
  if (typeof message.content === 'string') return { ...message, content: `${preface}\n\n${message.content}` };
  return { ...message, content: [{ type: 'text', text: preface }, ...message.content] };
}

export class Conversation {
  private readonly turns: Turn[] = [];
  private readonly budget: HistoryBudget;

  /** `system` may be a function: it is read at every call, so it can list the actions bound right now. */
  constructor(
    private readonly system: string | (() => string),
    budget: Partial<HistoryBudget> = {},
  ) {
    this.budget = { ...DEFAULT_HISTORY_BUDGET, ...budget };
  }

  /** Starts a turn (one step). */
  addUser(text: string, image?: ModelImage | null): void {
    this.turns.push({
      user: { role: 'user', content: image ? [{ type: 'text', text }, imagePart(image)] : text },
      assistant: null,
      condensed: null,
    });
    // Screenshots beyond the budget are never needed again: dropping them keeps memory bounded too.
    const kept = keepRecentImages(
      this.turns.map((t) => t.user),
      this.budget.maxImages,
    );
    kept.forEach((user, i) => {
      (this.turns[i] as Turn).user = user;
    });
  }

  addAssistant(text: string): void {
    const turn = this.turns.at(-1);
    if (turn) turn.assistant = text;
  }

  /** The latest turn in one line (its step's plan and outcome): older turns are shown this way. */
  condenseLatest(line: string): void {
    const turn = this.turns.at(-1);
    if (turn) turn.condensed = line;
  }

  /** The request, within the budget: condensed older steps, the recent ones word for word. */
  messages(): ChatMessage[] {
    const system: ChatMessage = {
      role: 'system',
      content: typeof this.system === 'string' ? this.system : this.system(),
    };
    let verbatim = this.budget.verbatimSteps;
    let shownLines = this.budget.maxCondensedLines;
    let images = this.budget.maxImages;
    for (;;) {
      const request = [system, ...this.window(verbatim, shownLines, images)];
      if (estimateTokens(request) <= this.budget.maxTokens) return request;
      if (verbatim > 1) verbatim -= 1;
      else if (shownLines > 5) shownLines = Math.floor(shownLines / 2);
      else if (images > 1) images -= 1;
      else return request; // as small as it gets: one step, a few lines, one screenshot
    }
  }

  private window(verbatim: number, shownLines: number, images: number): ChatMessage[] {
    const start = Math.max(0, this.turns.length - verbatim);
    const older = this.turns.slice(0, start);
    const recent = this.turns.slice(start);
    const lines = older.map((t, i) => t.condensed ?? `(step ${i + 1}: no record)`);
    const hidden = Math.max(0, lines.length - shownLines);
    const preface =
      lines.length === 0
        ? null
        : [
            `Earlier steps, oldest first (condensed${hidden ? `; the first ${hidden} are not shown` : ''}):`,
            ...lines.slice(hidden),
          ].join('\n');
    const out: ChatMessage[] = [];
    recent.forEach((turn, i) => {
      out.push(i === 0 && preface ? withPreface(turn.user, preface) : turn.user);
      if (turn.assistant !== null) out.push({ role: 'assistant', content: turn.assistant });
    });
    return images < this.budget.maxImages ? keepRecentImages(out, images) : out;
  }

  get length(): number {
    return this.turns.length;
  }
}
