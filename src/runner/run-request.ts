/** A submitted run, checked: what a worker runs and what the API accepts, read from outside with zod. */
import { z } from 'zod';
import { parseModelSpec } from '../config/parse.js';
import { type ControllerUrlPrefix, isAllowedControllerUrl } from '../config.js';
import type { RunRequest } from '../domain/run.js';
import { UsageError } from '../errors.js';
import { redactUrl } from '../redact.js';

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
    controllerUrl: z
      .string()
      .url()
      .max(2000)
      .describe(
        "The OSWorld controller to drive. Through the API and on a worker it must be at or under one of the operator's GAGENT_CONTROLLER_URLS (or equal the worker's GAGENT_CONTROLLER_URL); leave it out to use the worker's own.",
      )
      .optional(),
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

/**
 * Refuses a submitted run whose controller URL the operator does not allow (serve and workers):
 * else anyone who may submit a run could make a worker send requests to any address it reaches.
 * A run here (`gagent run` without --submit) is the user's own and is not checked.
 */
export function checkControllerUrl(request: RunRequest, allowed: readonly ControllerUrlPrefix[]): void {
  const url = request.controllerUrl;
  if (url === undefined || isAllowedControllerUrl(url, allowed)) return;
  throw new UsageError(
    allowed.length === 0
      ? `The run names controllerUrl ${redactUrl(url)}, but this server allows none (GAGENT_CONTROLLER_URLS is not set).`
      : `The run names controllerUrl ${redactUrl(url)}, which is not under any of this server's GAGENT_CONTROLLER_URLS.`,
    'Leave controllerUrl out to use the worker’s own controller, or ask the operator to add it to GAGENT_CONTROLLER_URLS.',
  );
}

/** Whether two requests are the same run: equal once checked (defaults filled in, keys in one order). */
export function sameRunRequest(stored: unknown, request: RunRequest): boolean {
  const parsed = RunRequestSchema.safeParse(stored);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(RunRequestSchema.parse(request));
}
