/** A submitted run, checked: what a worker runs and what the API accepts, read from outside with zod. */
import { z } from 'zod';
import { parseModelSpec } from '../config/parse.js';
import type { RunRequest } from '../domain/run.js';
import { UsageError } from '../errors.js';

const modelSpec = z
  .string()
  .min(1)
  .max(200)
  .refine((spec) => {
    try {
      parseModelSpec(spec, 'model');
      return true;
    } catch {
      return false;
    }
  }, 'a model is <provider>:<model>, for example openai:gpt-4o');

/** What a submitted run may ask for; anything else in the row is refused, not guessed at. */
export const RunRequestSchema = z
  .object({
    task: z.string().trim().min(1).max(10_000),
    maxSteps: z.number().int().min(1).max(1000).default(30),
    reflection: z.boolean().default(true),
    mcp: z.boolean().default(true),
    yes: z.boolean().default(false),
    controller: z.enum(['local', 'browser', 'osworld', 'none']).optional(),
    controllerUrl: z.string().url().optional(),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/i.test(u), 'a start page must be an http(s) URL')
      .optional(),
    model: modelSpec.optional(),
    groundingModel: modelSpec.optional(),
    retries: z.number().int().min(0).max(5).optional(),
  })
  .strict() satisfies z.ZodType<RunRequest, unknown>;

/** The request, checked as a worker will check it, so nothing is queued that no worker could run. */
export function checkRunRequest(input: unknown): RunRequest {
  const parsed = RunRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(`The run is not valid: ${issue?.path.join('.') || 'body'}: ${issue?.message}.`);
}
