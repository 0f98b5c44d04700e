/**
 * Screenshots travel in a model request as bytes, never inside one JS string of the whole request.
 * An SDK serializes its request body with JSON.stringify; with the images inline, every request
 * of a GUI step (the worker's with its recent screenshots, the grounding's, the reviewer's) was
 * built as strings of its full size — the JSON, a two-byte copy of it as soon as any text is not
 * Latin-1 (a "→" in the condensed history is enough), then its UTF-8 bytes: tens of megabytes of
 * garbage a step on a real web page, which set a long run's peak memory. Here the SDK serializes
 * short placeholders instead, and the fetch it is given writes the body once, straight into one
 * buffer of its exact size, each placeholder replaced by its image's base64. The bytes on the wire
 * are the same.
 *
 * A placeholder carries a random marker made for this instance, which no text from outside can
 * know, and only placeholders of a request still in progress are replaced.
 */
import { randomBytes } from 'node:crypto';
import type { FetchLike } from '../http.js';

/** Puts an image's base64 where it goes in a request; returns what stands for it in the SDK's body. */
export type PlaceImage = (base64: string) => string;

export class RequestImages {
  private readonly marker = `gagent-image-${randomBytes(16).toString('hex')}-`;
  private readonly pattern = new RegExp(`${this.marker}(\\d+)`, 'g');
  private readonly images = new Map<string, string>();
  private next = 0;

  /**
   * Runs one request: `send` builds its body with `place` for each image and sends it through
   * the fetch from `wrap` (retries included); the images are let go when it settles.
   */
  async send<T>(send: (place: PlaceImage) => Promise<T>): Promise<T> {
    const placed: string[] = [];
    const place: PlaceImage = (base64) => {
      const key = `${this.marker}${this.next++}`;
      this.images.set(key, base64);
      placed.push(key);
      return key;
    };
    try {
      return await send(place);
    } finally {
      for (const key of placed) this.images.delete(key);
    }
  }

  /** `fetch`, writing the images into each body that stands for them. */
  wrap(fetch: FetchLike): FetchLike {
    return async (input, init) => {
      const body = init?.body;
      if (typeof body !== 'string' || !body.includes(this.marker)) return fetch(input, init);
      const bytes = this.assemble(body);
      try {
        return await fetch(input, { ...init, body: bytes });
      } finally {
        // fetch sends a copy of its body (the Fetch standard's "copy of the bytes held"); freeing
        // ours now, instead of whenever a collection finds it, keeps megabytes a step off the peak.
        (bytes.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
      }
    };
  }

  /** The body with every placeholder replaced, written once into a buffer of its exact size. */
  private assemble(body: string): Uint8Array<ArrayBuffer> {
    const pieces: { text: string; image: boolean }[] = [];
    let last = 0;
    for (const match of body.matchAll(this.pattern)) {
      const image = this.images.get(match[0]);
      if (image === undefined)
        throw new Error('A model request refers to a screenshot that is no longer held.');
      pieces.push({ text: body.slice(last, match.index), image: false }, { text: image, image: true });
      last = match.index + match[0].length;
    }
    pieces.push({ text: body.slice(last), image: false });
    // base64 is ASCII: one byte a character, written as latin1 without an encoder's scan.
    const size = pieces.reduce((n, p) => n + (p.image ? p.text.length : Buffer.byteLength(p.text)), 0);
    const out = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const p of pieces) at += out.write(p.text, at, p.image ? 'latin1' : 'utf8');
    return out;
  }
}
