/** OpenAI-compatible Chat Completions (OpenAI, vLLM, Ollama, OpenRouter, LM Studio…) through the openai SDK. */
import type OpenAI from 'openai';
import { z } from 'zod';
import { GagentError } from '../../errors.js';
import { mapModelError } from '../errors.js';
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

export function toOpenAIMessages(messages: ChatMessage[]): OpenAIMessage[] {
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
              image_url: { url: `data:${part.mediaType};base64,${part.data}`, detail: 'high' as const },
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
  ) {
    this.id = `${options.provider}:${options.model}`;
    this.endpoint = options.baseUrl ?? 'https://api.openai.com/v1';
  }

  static async create(options: ProviderOptions): Promise<OpenAIProvider> {
    const { default: OpenAISdk } = await import('openai');
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
      ...(options.fetch ? { fetch: options.fetch as never } : {}),
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    return new OpenAIProvider(client, options);
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    let raw: unknown;
    try {
      raw = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: toOpenAIMessages(request.messages),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        },
        { signal: request.signal },
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
