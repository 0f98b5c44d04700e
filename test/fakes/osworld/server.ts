/**
 * A loopback OSWorld-style controller, answering as OSWorld's Flask server
 * (desktop_env/server/main.py) does: GET /platform with the system's name as text, GET /screenshot
 * with a PNG of the configured size, POST /execute recording the exact command it receives.
 *
 * By default /execute only records and answers success. With `vm`, it runs each program for real
 * with python3 (test/fakes/osworld/vm/execute.py: the server's own subprocess.run, time limit and
 * answers), against stand-ins for the VM's pyautogui, pyperclip and python-xlib that type into one
 * simulated text field — so a pyperclip without xclip/xsel, a Python error's traceback or the
 * server's 500 on a program that runs too long are what the real server would send. Only the
 * Python standard library is needed.
 *
 *   const vm = await startFakeOsworld({ width: 1280, height: 800 });
 *   vm.executed()   // the python programs, in order
 *   const real = await startFakeOsworld({ vm: { clipboard: 'unusable' } });
 *   real.field()    // what the programs typed
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tempDir } from '../../helpers/temp.js';

export interface ExecutedCommand {
  command: string[];
  shell: boolean;
  /** The python source passed with -c. */
  code: string;
}

/** A VM whose programs really run (with python3 and the stand-in modules). */
export interface FakeVm {
  /** pyperclip on the VM: works, raises PyperclipException (no xclip/xsel), or is not installed. */
  clipboard?: 'usable' | 'unusable' | 'missing';
  /** python-xlib on the VM (pyautogui needs it on Linux). */
  xlib?: boolean;
  /** The server's limit per program, after which it answers 500 (OSWorld: 120 s). */
  timeoutSeconds?: number;
}

/** One call a program made on the VM: the function, its arguments, its keyword arguments. */
export type VmCall = [string, unknown[], Record<string, unknown>];

export interface FakeOsworld {
  url: string;
  executed(): ExecutedCommand[];
  screenshots(): number;
  /** The next N requests to `path` fail with `status` (and this body: the server's JSON error by default). */
  fail(path: '/screenshot' | '/execute' | '/platform', status: number, count?: number, body?: string): void;
  /** The next /execute answers that the program failed (return code 1) with this on stderr. */
  failExecution(error: string): void;
  /** The text the programs typed into the VM's focused field (with `vm`). */
  field(): string;
  /** Every call the programs made on the VM (with `vm`). */
  calls(): VmCall[];
  close(): Promise<void>;
}

const VM_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vm');

/** The X keyboard map the VM starts with: keycodes 9–100 in use, the rest free. */
function initialKeymap(): Record<string, number[]> {
  const keymap: Record<string, number[]> = {};
  for (let code = 9; code <= 100; code++) keymap[String(code)] = Array(7).fill(0x21 + (code % 90));
  return keymap;
}

interface VmAnswer {
  http: number;
  body: unknown;
}

/** Runs one /execute request on the fake VM, as the server would. */
function runOnVm(vm: FakeVm, statePath: string, request: string): Promise<VmAnswer> {
  const pythonPath = [
    path.join(VM_DIR, 'site'),
    ...(vm.clipboard === 'missing' ? [] : [path.join(VM_DIR, 'clipboard')]),
    ...(vm.xlib === false ? [] : [path.join(VM_DIR, 'xlib')]),
  ].join(path.delimiter);
  const child = spawn('python3', [path.join(VM_DIR, 'execute.py')], {
    env: {
      PATH: process.env.PATH ?? '',
      PYTHONPATH: pythonPath,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
      PYTHONUTF8: '1',
      GAGENT_FAKE_VM_STATE: statePath,
      GAGENT_FAKE_VM_CLIPBOARD: vm.clipboard ?? 'usable',
      GAGENT_FAKE_VM_TIMEOUT: String(vm.timeoutSeconds ?? 120),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(request);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the fake VM's runner failed: ${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as VmAnswer);
    });
  });
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
  options: {
    width?: number;
    height?: number;
    detailed?: boolean;
    /** GET /platform's answer (platform.system() on the VM); any text or bytes, to play a hostile server. */
    platform?: string | Buffer;
    vm?: FakeVm;
  } = {},
): Promise<FakeOsworld> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const png = await screenshotPng(width, height, options.detailed ?? false);
  const executed: ExecutedCommand[] = [];
  const faults: { path: string; status: number; remaining: number; body?: string }[] = [];
  let executionError: string | null = null;
  let screenshots = 0;
  const statePath = path.join(tempDir('gagent-fake-vm-'), 'state.json');
  fs.writeFileSync(
    statePath,
    JSON.stringify({
      field: '',
      selected: false,
      clipboard: null,
      held: [],
      calls: [],
      keymap: initialKeymap(),
    }),
  );
  const vmState = () => JSON.parse(fs.readFileSync(statePath, 'utf8')) as { field: string; calls: VmCall[] };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const route = new URL(req.url ?? '/', 'http://x').pathname;
    const fault = faults.find((f) => f.path === route && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      res
        .writeHead(fault.status, {
          'content-type': fault.body?.startsWith('<') ? 'text/html' : 'application/json',
        })
        .end(fault.body ?? JSON.stringify({ status: 'error', message: 'injected' }));
      return;
    }
    if (req.method === 'GET' && route === '/platform') {
      // Flask sends a returned string as HTML.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(options.platform ?? 'Linux');
      return;
    }
    if (req.method === 'GET' && route === '/screenshot') {
      screenshots += 1;
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      return;
    }
    if (req.method === 'POST' && route === '/execute') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        command: string[];
        shell: boolean;
      };
      executed.push({ command: body.command, shell: body.shell, code: body.command[2] ?? '' });
      const error = executionError;
      executionError = null;
      // The server's answer when Python failed: still "success", with the return code and stderr.
      const answer: VmAnswer = error
        ? { http: 200, body: { status: 'success', output: '', error, returncode: 1 } }
        : options.vm
          ? await runOnVm(options.vm, statePath, Buffer.concat(chunks).toString('utf8')).catch(
              (err: Error): VmAnswer => ({ http: 500, body: { status: 'error', message: err.message } }),
            )
          : { http: 200, body: { status: 'success', output: '', error: '', returncode: 0 } };
      res.writeHead(answer.http, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executed: () => [...executed],
    screenshots: () => screenshots,
    fail: (path, status, count = 1, body) => faults.push({ path, status, remaining: count, body }),
    failExecution: (error) => {
      executionError = error;
    },
    field: () => vmState().field,
    calls: () => vmState().calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
