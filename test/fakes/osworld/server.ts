/**
 * A loopback OSWorld-style controller: GET /screenshot returns a PNG of the configured size,
 * POST /execute records the exact command it receives and answers like the real one.
 *
 *   const vm = await startFakeOsworld({ width: 1280, height: 800 });
 *   vm.executed()   // the python programs, in order
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface ExecutedCommand {
  command: string[];
  shell: boolean;
  /** The python source passed with -c. */
  code: string;
}

export interface FakeOsworld {
  url: string;
  executed(): ExecutedCommand[];
  screenshots(): number;
  /** The next N requests to `path` fail with `status`. */
  fail(path: '/screenshot' | '/execute', status: number, count?: number): void;
  /** The next /execute answers with a non-zero return code and this error. */
  failExecution(error: string): void;
  close(): Promise<void>;
}

/** A flat image (cheap) or blocks of varied colour, which compress like a real desktop (hundreds of KB). */
async function screenshotPng(width: number, height: number, detailed: boolean): Promise<Buffer> {
  if (!detailed) {
    return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })
      .png()
      .toBuffer();
  }
  const raw = Buffer.alloc(width * height * 3);
  let seed = 7;
  const block = 6;
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const colour = [seed & 0xff, (seed >> 8) & 0xff, (seed >> 16) & 0xff];
      for (let y = by; y < Math.min(by + block, height); y++) {
        for (let x = bx; x < Math.min(bx + block, width); x++) raw.set(colour, (y * width + x) * 3);
      }
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function startFakeOsworld(
  options: { width?: number; height?: number; detailed?: boolean } = {},
): Promise<FakeOsworld> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const png = await screenshotPng(width, height, options.detailed ?? false);
  const executed: ExecutedCommand[] = [];
  const faults: { path: string; status: number; remaining: number }[] = [];
  let executionError: string | null = null;
  let screenshots = 0;

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const fault = faults.find((f) => f.path === path && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      res
        .writeHead(fault.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', message: 'injected' }));
      return;
    }
    if (req.method === 'GET' && path === '/screenshot') {
      screenshots += 1;
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      return;
    }
    if (req.method === 'POST' && path === '/execute') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        command: string[];
        shell: boolean;
      };
      executed.push({ command: body.command, shell: body.shell, code: body.command[2] ?? '' });
      const error = executionError;
      executionError = null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          error
            ? { status: 'error', output: '', error, returncode: 1 }
            : { status: 'success', output: '', error: '', returncode: 0 },
        ),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executed: () => [...executed],
    screenshots: () => screenshots,
    fail: (path, status, count = 1) => faults.push({ path, status, remaining: count }),
    failExecution: (error) => {
      executionError = error;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
