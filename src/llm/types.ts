/** One interface for every model: messages of text and images in, text and token usage out. */

export type ImageMediaType = 'image/png' | 'image/jpeg';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; data: string; mediaType: ImageMediaType };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface CompletionRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface Completion {
  text: string;
  usage: TokenUsage;
  model: string;
  durationMs: number;
}

export interface ModelProvider {
  /** As the user names it: openai:<model> or anthropic:<model>. */
  readonly id: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

export function textOf(content: ChatMessage['content']): string {
  return typeof content === 'string'
    ? content
    : content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}
