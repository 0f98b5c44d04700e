/**
 * Screenshots for the model, and coordinates back to the screen. A screenshot within the budget
 * is passed through untouched (no decode, no encode: this is on every step's path); a larger one
 * is shrunk with sharp. Coordinates map from whatever space the model answered in (the image we
 * sent, or a grounding model's own space) to screen pixels, rounded and clamped.
 */
import type { Point, Screenshot } from './types.js';

export interface Size {
  width: number;
  height: number;
}

export interface ModelImage extends Size {
  /** base64 */
  data: string;
  mediaType: 'image/png' | 'image/jpeg';
}

export interface ImageBudget {
  /** The longest side the model gets (default 1568, what the major vision models keep without shrinking). */
  maxLongEdge?: number;
  /** JPEG quality when re-encoding; PNG when absent. */
  jpegQuality?: number;
}

export const DEFAULT_MAX_LONG_EDGE = 1568;

export function fitWithin(size: Size, maxLongEdge: number): Size {
  const longest = Math.max(size.width, size.height);
  if (longest <= maxLongEdge) return { ...size };
  const scale = maxLongEdge / longest;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

export async function prepareForModel(shot: Screenshot, budget: ImageBudget = {}): Promise<ModelImage> {
  const target = fitWithin(shot, budget.maxLongEdge ?? DEFAULT_MAX_LONG_EDGE);
  if (target.width === shot.width && target.height === shot.height && budget.jpegQuality === undefined) {
    return {
      data: shot.png.toString('base64'),
      mediaType: 'image/png',
      width: shot.width,
      height: shot.height,
    };
  }
  const { default: sharp } = await import('sharp');
  const resized = sharp(shot.png).resize(target.width, target.height, { fit: 'fill' });
  const buffer =
    budget.jpegQuality !== undefined
      ? await resized.jpeg({ quality: budget.jpegQuality }).toBuffer()
      : await resized.png({ compressionLevel: 6 }).toBuffer();
  return {
    data: buffer.toString('base64'),
    mediaType: budget.jpegQuality !== undefined ? 'image/jpeg' : 'image/png',
    ...target,
  };
}

/** Maps a point from `from` space (the image or grounding space) to screen pixels. */
export function toScreenPoint(point: Point, from: Size, screen: Size): Point {
  const x = Math.round((point.x * screen.width) / from.width);
  const y = Math.round((point.y * screen.height) / from.height);
  return { x: Math.min(screen.width - 1, Math.max(0, x)), y: Math.min(screen.height - 1, Math.max(0, y)) };
}

/** A screenshot as the run's history keeps it: WebP, longest side at most 1280 px. */
export interface HistoryImage extends Size {
  data: Buffer;
  mediaType: 'image/webp';
}

export const HISTORY_MAX_LONG_EDGE = 1280;

/** Shrinks and compresses a screenshot for the history (sharp works on its own threads, off the step's path). */
export async function compressForHistory(shot: Screenshot): Promise<HistoryImage> {
  const target = fitWithin(shot, HISTORY_MAX_LONG_EDGE);
  const { default: sharp } = await import('sharp');
  // One picture at a time, nothing cached: libvips' operation cache and per-core threads would
  // otherwise hold tens of megabytes for the whole run, for pictures never seen again.
  sharp.cache(false);
  sharp.concurrency(1);
  let image = sharp(shot.png);
  if (target.width !== shot.width || target.height !== shot.height)
    image = image.resize(target.width, target.height, { fit: 'fill' });
  const data = await image.webp({ quality: 70, effort: 0 }).toBuffer();
  return { data, mediaType: 'image/webp', ...target };
}
