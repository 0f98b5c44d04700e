/** The run's models: the main model, and the grounding model (a separate one, or the main model grounding itself). */
import { type Config, groundingCredentials, modelCredentials } from '../config.js';
import type { Size } from '../controllers/screenshot-scaling.js';
import { UsageError } from '../errors.js';
import type { FetchLike } from '../http.js';
import { createModelProvider } from '../llm/create-provider.js';
import type { ModelProvider } from '../llm/types.js';

export interface RunModels {
  model: ModelProvider;
  grounding: ModelProvider;
  /** The grounding model's coordinate space, when it has its own (UI-TARS). */
  groundingSpace?: Size;
  /** True when a separate grounding model is configured. */
  separateGrounding: boolean;
}

export async function prepareModels(config: Config, fetch: FetchLike): Promise<RunModels> {
  const spec = config.model;
  if (!spec) {
    throw new UsageError(
      'No model is configured for gagent run.',
      'Set GAGENT_MODEL=openai:<model> (or anthropic:<model>), or pass --model.',
    );
  }
  const tuning = { timeoutMs: config.modelTimeoutMs, fetch };
  const model = await createModelProvider(spec, modelCredentials(config, spec.provider), tuning);
  const grounding = config.grounding;
  if (!grounding) return { model, grounding: model, separateGrounding: false };
  return {
    model,
    grounding: await createModelProvider(grounding.model, groundingCredentials(config, grounding), {
      ...tuning,
      keyVariable: grounding.apiKey ? 'GAGENT_GROUNDING_API_KEY' : undefined,
    }),
    ...(grounding.width && grounding.height
      ? { groundingSpace: { width: grounding.width, height: grounding.height } }
      : {}),
    separateGrounding: true,
  };
}
