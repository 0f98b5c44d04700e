/**
 * Grounding: a description of an element → a point on the screen. A separate grounding model
 * (UI-TARS style) answers in its own coordinate space; by default the main model grounds itself
 * in the pixel space of the image it was sent. Either way the point is scaled to screen pixels.
 * An answer without a usable point is feedback for the model, never a crash.
 */
import { type ModelImage, type Size, toScreenPoint } from '../controllers/screenshot-scaling.js';
import type { Point } from '../controllers/types.js';
import type { ModelProvider } from '../llm/types.js';
import { imagePart } from './history.js';
import { groundingPrompt } from './prompts.js';

export class GroundingError extends Error {}

const NUMBER = /-?\d+(?:\.\d+)?/g;
const BOX =
  /[[(]\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*[\])]/;

/** The point in the reply: the first two numbers, or the centre of a [x1, y1, x2, y2] box. */
export function parseGroundingPoint(reply: string): { point: Point; normalized: boolean } | null {
  const box = BOX.exec(reply);
  if (box) {
    const [x1, y1, x2, y2] = box.slice(1, 5).map(Number) as [number, number, number, number];
    if (x2 > x1 && y2 > y1)
      return { point: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 }, normalized: x2 <= 1 && y2 <= 1 };
  }
  const numbers = (reply.match(NUMBER) ?? []).slice(0, 2);
  if (numbers.length < 2) return null;
  const [x, y] = numbers.map(Number) as [number, number];
  if (x < 0 || y < 0) return null;
  const normalized = x <= 1 && y <= 1 && numbers.some((n) => n.includes('.'));
  return { point: { x, y }, normalized };
}

export interface GrounderOptions {
  model: ModelProvider;
  /** The grounding model's coordinate space; absent: the pixels of the image sent. */
  space?: Size;
}

export class Grounder {
  constructor(private readonly options: GrounderOptions) {}

  get modelId(): string {
    return this.options.model.id;
  }

  async locate(
    description: string,
    image: ModelImage,
    screen: Size,
    signal?: AbortSignal,
  ): Promise<{ point: Point; modelMs: number }> {
    const reply = await this.options.model.complete({
      messages: [
        {
          role: 'user',
          content: [
            imagePart(image),
            { type: 'text', text: groundingPrompt(description, this.options.space ? undefined : image) },
          ],
        },
      ],
      temperature: 0,
      maxTokens: 64,
      signal,
    });
    const parsed = parseGroundingPoint(reply.text);
    if (!parsed) {
      throw new GroundingError(
        `could not locate "${description}" on the screen (the grounding model answered ${JSON.stringify(reply.text.slice(0, 80))}); describe the element differently`,
      );
    }
    const space = this.options.space ?? image;
    const from = parsed.normalized ? { width: 1, height: 1 } : space;
    if (!parsed.normalized && (parsed.point.x > space.width * 1.05 || parsed.point.y > space.height * 1.05)) {
      throw new GroundingError(
        `the point found for "${description}" is outside the screen; describe the element differently`,
      );
    }
    return { point: toScreenPoint(parsed.point, from, screen), modelMs: reply.durationMs };
  }
}
