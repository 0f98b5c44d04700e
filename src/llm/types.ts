import type { FetchLike } from '../http.js';
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

/** What every provider adapter is built from (src/llm/providers/<name>.ts exports `create(options)`). */
export interface ProviderOptions {
  /** The catalogue name (openai, anthropic, …) and how it reads to a person. */
  provider: string;
  label: string;
  model: string;
  apiKey: string;
  baseUrl?: string;
  timeoutMs: number;
  maxRetries: number;
  /** Which variable holds the key, for error messages. */
  keyVariable: string;
  /** The command's HTTP stack (proxy-aware); the SDK's own fetch otherwise. */
  fetch?: FetchLike;
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
