/** Anthropic's Messages API through @anthropic-ai/sdk: system prompt at the top level, images as base64 blocks, base URL honoured. */
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { GagentError } from '../../errors.js';
import { mapModelError } from '../errors.js';
import { type PlaceImage, RequestImages } from '../request-images.js';
import type { ChatMessage, Completion, CompletionRequest, ModelProvider, ProviderOptions } from '../types.js';

const responseSchema = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).partial().optional(),
});

type AnthropicBlock = Anthropic.Messages.TextBlockParam | Anthropic.Messages.ImageBlockParam;
type AnthropicMessage = { role: 'user' | 'assistant'; content: AnthropicBlock[] };

/**
 * Anthropic wants the system prompt apart and strictly alternating turns starting with the user.
 * `place` stands for an image's base64 in the body (see request-images.ts); inline by default.
 */
export function toAnthropicMessages(
  messages: ChatMessage[],
  place: PlaceImage = (b) => b,
): {
  system: string;
  messages: AnthropicMessage[];
} {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const m of messages) {
    const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
    if (m.role === 'system') {
      system.push(parts.map((p) => (p.type === 'text' ? p.text : '')).join(''));
      continue;
    }
    const blocks: AnthropicBlock[] = parts.map((p) =>
      p.type === 'text'
        ? { type: 'text', text: p.text }
        : { type: 'image', source: { type: 'base64', media_type: p.mediaType, data: place(p.data) } },
    );
    const last = out[out.length - 1];
    if (last && last.role === m.role) last.content.push(...blocks);
    else out.push({ role: m.role, content: blocks });
  }
  if (out[0]?.role === 'assistant')
    out.unshift({ role: 'user', content: [{ type: 'text', text: '(start)' }] });
  return { system: system.join('\n\n'), messages: out };
}

export class AnthropicProvider implements ModelProvider {
  readonly id: string;
  private readonly endpoint: string;

  constructor(
    private readonly client: Anthropic,
    private readonly options: ProviderOptions,
    private readonly images: RequestImages,
  ) {
    this.id = `${options.provider}:${options.model}`;
    this.endpoint = options.baseUrl ?? 'https://api.anthropic.com';
  }

  static async create(options: ProviderOptions): Promise<AnthropicProvider> {
    const { default: AnthropicSdk } = await import('@anthropic-ai/sdk');
    const images = new RequestImages();
    // Everything explicit: the SDK would otherwise read ANTHROPIC_AUTH_TOKEN or ANTHROPIC_LOG from the
    // environment and send that token to whatever base URL this client has, or log to stdout.
    const client = new AnthropicSdk({
      apiKey: options.apiKey,
      authToken: null,
      webhookKey: null,
      logLevel: 'off',
      fetch: images.wrap(options.fetch ?? globalThis.fetch) as never,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    return new AnthropicProvider(client, options, images);
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    let raw: unknown;
    try {
      raw = await this.images.send((place) => {
        const { system, messages } = toAnthropicMessages(request.messages, place);
        return this.client.messages.create(
          {
            model: this.options.model,
            max_tokens: request.maxTokens ?? 4096,
            messages,
            ...(system ? { system } : {}),
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          },
          { signal: request.signal },
        );
      });
    } catch (err) {
      throw mapModelError(err, this.options.label, this.endpoint, this.options.keyVariable);
    }
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GagentError(
        `The Anthropic model at ${new URL(this.endpoint).host} sent a response gagent cannot read.`,
        undefined,
        'Check ANTHROPIC_BASE_URL.',
      );
    }
    return {
      text: parsed.data.content.map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join(''),
      usage: {
        inputTokens: parsed.data.usage?.input_tokens ?? 0,
        outputTokens: parsed.data.usage?.output_tokens ?? 0,
      },
      model: parsed.data.model ?? this.options.model,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** The adapter's entry point (see src/config/model-providers.ts). */
export const create = (options: ProviderOptions): Promise<ModelProvider> => AnthropicProvider.create(options);
