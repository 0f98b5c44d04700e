import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/http.js';
import { RequestImages } from '../../src/llm/request-images.js';

/** A fetch that reads what it is sent, as a server would, and answers 200. */
function recordingFetch() {
  const sent: { bytes: Buffer; contentLength: string | null }[] = [];
  const fetch: FetchLike = async (_input, init) => {
    const bytes = Buffer.from(await new Response(init?.body).arrayBuffer());
    sent.push({ bytes, contentLength: new Headers(init?.headers).get('content-length') });
    return new Response('{}', { status: 200 });
  };
  return { fetch, sent };
}

describe('screenshots written into model requests', () => {
  it('sends exactly the JSON the SDK would have sent, whatever the text around the images', async () => {
    const images = new RequestImages();
    const { fetch, sent } = recordingFetch();
    const send = images.wrap(fetch);
    const shot = randomBytes(700_000).toString('base64');
    const text = 'step 1 → café 😀 "quoted" \\ and a lone \ud800 surrogate';
    const inline = JSON.stringify({ messages: [{ text, image: `data:image/png;base64,${shot}` }, shot] });
    await images.send((place) =>
      send('http://127.0.0.1:1/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({
          messages: [{ text, image: `data:image/png;base64,${place(shot)}` }, place(shot)],
        }),
      }),
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.bytes.toString('utf8')).toBe(inline);
    expect(sent[0]?.contentLength).toBe(String(Buffer.byteLength(inline)));
  });

  it('holds no image once its request has settled, even a failed one', async () => {
    const images = new RequestImages();
    let body = '';
    await expect(
      images.send(async (place) => {
        body = JSON.stringify({ image: place('QUJD') });
        throw new Error('the server went away');
      }),
    ).rejects.toThrow('the server went away');
    const { fetch, sent } = recordingFetch();
    await expect(images.wrap(fetch)('http://127.0.0.1:1/', { method: 'POST', body })).rejects.toThrow(
      'no longer held',
    );
    expect(sent).toEqual([]);
  });

  it('passes every other request through untouched', async () => {
    const images = new RequestImages();
    const { fetch, sent } = recordingFetch();
    const body = JSON.stringify({ text: 'gagent-image-00000000000000000000000000000000-0' });
    await images.wrap(fetch)('http://127.0.0.1:1/', { method: 'POST', body });
    expect(sent[0]?.bytes.toString('utf8')).toBe(body);
  });
});
