/** OpenAI-compatible Chat Completions (OpenAI, vLLM, Ollama, OpenRouter, LM Studio…) through the openai SDK. */
import type OpenAI from 'openai';
import { z } from 'zod';
import { GagentError } from '../../errors.js';
import { mapModelError } from '../errors.js';
import { type PlaceImage, RequestImages } from '../request-images.js';
import type { ChatMessage, Completion, CompletionRequest, ModelProvider, ProviderOptions } from '../types.js';

const responseSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number() })
    .partial()
    .nullable()
    .optional(),
});

type OpenAIMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** `place` stands for an image's base64 in the body (see request-images.ts); inline by default. */
export function toOpenAIMessages(messages: ChatMessage[], place: PlaceImage = (b) => b): OpenAIMessage[] {
  return messages.map((m): OpenAIMessage => {
    if (typeof m.content === 'string' || m.role !== 'user') {
      const text =
        typeof m.content === 'string'
          ? m.content
          : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
      return { role: m.role, content: text } as OpenAIMessage;
    }
    return {
      role: 'user',
      content: m.content.map((part) =>
        part.type === 'text'
          ? { type: 'text' as const, text: part.text }
          : {
              type: 'image_url' as const,
              image_url: {
                url: `data:${part.mediaType};base64,${place(part.data)}`,
                detail: 'high' as const,
              },
            },
      ),
    };
  });
}

export class OpenAIProvider implements ModelProvider {
  readonly id: string;
  private readonly endpoint: string;

  constructor(
    private readonly client: OpenAI,
    private readonly options: ProviderOptions,
    private readonly images: RequestImages,
  ) {
    this.id = `${options.provider}:${options.model}`;
    this.endpoint = options.baseUrl ?? 'https://api.openai.com/v1';
  }

  static async create(options: ProviderOptions): Promise<OpenAIProvider> {
    const { default: OpenAISdk } = await import('openai');
    const images = new RequestImages();
    // The SDK's own retry (429/5xx/connection, honouring retry-after) is the one place that retries.
    // Everything explicit: the SDK would otherwise read OPENAI_ADMIN_KEY, OPENAI_ORG_ID or OPENAI_LOG
    // from the environment and send them to whatever base URL this client has, or log to stdout.
    const client = new OpenAISdk({
      apiKey: options.apiKey,
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      logLevel: 'off',
      fetch: images.wrap(options.fetch ?? globalThis.fetch) as never,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    return new OpenAIProvider(client, options, images);
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    let raw: unknown;
    try {
      raw = await this.images.send((place) =>
        this.client.chat.completions.create(
          {
            model: this.options.model,
            messages: toOpenAIMessages(request.messages, place),
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          },
          { signal: request.signal },
        ),
      );
    } catch (err) {
      throw mapModelError(err, this.options.label, this.endpoint, this.options.keyVariable);
    }
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GagentError(
        `The OpenAI-compatible model at ${new URL(this.endpoint).host} sent a response gagent cannot read.`,
        undefined,
        'Check that the base URL points at a Chat Completions API (…/v1).',
      );
    }
    return {
      text: parsed.data.choices[0]?.message.content ?? '',
      usage: {
        inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
        outputTokens: parsed.data.usage?.completion_tokens ?? 0,
      },
      model: parsed.data.model ?? this.options.model,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** The adapter's entry point (see src/config/model-providers.ts). */
export const create = (options: ProviderOptions): Promise<ModelProvider> => OpenAIProvider.create(options);
