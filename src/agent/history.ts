/** The generator's conversation: text is kept whole, images only for the last N turns (the context stays bounded). */
import type { ModelImage } from '../controllers/screenshot-scaling.js';
import type { ChatMessage, ContentPart } from '../llm/types.js';

const DROPPED = '[an earlier screenshot was here; only the most recent ones are kept]';

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

export class Conversation {
  private readonly turns: ChatMessage[] = [];

  /** `system` may be a function: it is read at every call, so it can list the actions bound right now. */
  constructor(
    private readonly system: string | (() => string),
    private readonly maxImages: number,
  ) {}

  addUser(text: string, image?: ModelImage | null): void {
    this.turns.push({ role: 'user', content: image ? [{ type: 'text', text }, imagePart(image)] : text });
    // Dropped images are never needed again: trimming the stored turns keeps memory bounded too.
    const trimmed = keepRecentImages(this.turns, this.maxImages);
    this.turns.splice(0, this.turns.length, ...trimmed);
  }

  addAssistant(text: string): void {
    this.turns.push({ role: 'assistant', content: text });
  }

  messages(): ChatMessage[] {
    const system = typeof this.system === 'string' ? this.system : this.system();
    return [{ role: 'system', content: system }, ...this.turns];
  }

  get length(): number {
    return this.turns.length;
  }
}
