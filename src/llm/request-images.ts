/**
 * Screenshots travel in a model request as bytes, never inside one JS string of the whole request.
 * An SDK serializes its request body with JSON.stringify; with the images inline, every request
 * of a GUI step (the worker's with its recent screenshots, the grounding's, the reviewer's) was
 * built as strings of its full size — the JSON, a two-byte copy of it as soon as any text is not
 * Latin-1 (a "→" in the condensed history is enough), then its UTF-8 bytes, then fetch's own copy
 * of those: tens of megabytes of garbage a step on a real web page, which set a long run's peak
 * memory. Here the SDK serializes short placeholders instead, and the fetch it is given streams the
 * body in small chunks, each placeholder replaced by its image's base64, with its exact length
 * declared: the bytes on the wire are the same, and no chunk outlives its write.
 *
 * fetch cannot send a stream twice, so when the server redirects, the request is made again as
 * the SDK would have made it, and fetch follows the redirect as before.
 *
 * A placeholder carries a random marker made for this instance, which no text from outside can
 * know, and only placeholders of a request still in progress are replaced.
 */
import { randomBytes } from 'node:crypto';
import type { FetchLike } from '../http.js';

/** Puts an image's base64 where it goes in a request; returns what stands for it in the SDK's body. */
export type PlaceImage = (base64: string) => string;

/** Text of the SDK's body (UTF-8), or an image's base64 (ASCII, one byte a character). */
type Piece = { text: string; image: boolean };

/** Above glibc's mmap threshold as gagent sets it (bin/gagent.cjs): each chunk's memory goes back when freed. */
const CHUNK_CHARS = 256 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function byteLength(pieces: Piece[]): number {
  return pieces.reduce((n, p) => n + (p.image ? p.text.length : Buffer.byteLength(p.text)), 0);
}

/** The body in chunks (an image in pieces of 256 KiB), each made when fetch asks for it. */
function streamOf(pieces: Piece[]): ReadableStream<Uint8Array> {
  function* chunks(): Generator<Uint8Array> {
    for (const p of pieces) {
      // Text whole (cutting it could split a surrogate pair); it is the small part of the body.
      if (!p.image) {
        if (p.text) yield Buffer.from(p.text, 'utf8');
      } else
        for (let at = 0; at < p.text.length; at += CHUNK_CHARS)
          yield Buffer.from(p.text.slice(at, at + CHUNK_CHARS), 'latin1');
    }
  }
  const next = chunks();
  return new ReadableStream({
    pull(controller) {
      const chunk = next.next();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
  });
}

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
      const pieces = this.pieces(body);
      const headers = new Headers(init?.headers);
      headers.set('content-length', String(byteLength(pieces)));
      const streamed = await fetch(input, {
        ...init,
        headers,
        body: streamOf(pieces),
        duplex: 'half',
        redirect: 'manual',
      } as RequestInit);
      if (!(REDIRECTS.has(streamed.status) && streamed.headers.has('location'))) return streamed;
      // A stream cannot be sent twice: the request goes again as the SDK would have sent it, and
      // fetch follows the redirect itself (rare enough for its memory not to matter).
      await streamed.body?.cancel();
      return fetch(input, { ...init, body: pieces.map((p) => p.text).join('') });
    };
  }

  /** The SDK's body cut at its placeholders, each replaced by its image. */
  private pieces(body: string): Piece[] {
    const pieces: Piece[] = [];
    let last = 0;
    for (const match of body.matchAll(this.pattern)) {
      const image = this.images.get(match[0]);
      if (image === undefined)
        throw new Error('A model request refers to a screenshot that is no longer held.');
      pieces.push({ text: body.slice(last, match.index), image: false }, { text: image, image: true });
      last = match.index + match[0].length;
    }
    pieces.push({ text: body.slice(last), image: false });
    return pieces;
  }
}
