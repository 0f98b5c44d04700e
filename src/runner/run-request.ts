/** A submitted run, checked: what a worker runs and what the API accepts, read from outside with zod. */
import { z } from 'zod';
import type { RunRequest } from '../domain/run.js';

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
      .refine((u) => /^(https?|file):/i.test(u), 'a start page must be an http(s) or file URL')
      .optional(),
    model: z.string().min(1).max(200).optional(),
    retries: z.number().int().min(0).max(5).optional(),
  })
  .strict() satisfies z.ZodType<RunRequest, unknown>;
