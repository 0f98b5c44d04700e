/**
 * Puts text on the system clipboard, so the local controller can type any text exactly (paste is
 * layout-independent; key-by-key typing through the desktop driver drops or changes symbols and
 * non-ASCII characters). The helper program runs without a shell and without gagent's secrets.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findExecutable } from './find-executable.js';

/** The program (argv) that reads text on stdin into the clipboard, or null when there is none. */
export function clipboardWriter(platform: NodeJS.Platform, searchPath: string): string[] | null {
  if (platform === 'darwin') return ['pbcopy'];
  if (platform === 'win32') return null;
  const xsel = findExecutable(['xsel'], searchPath);
  if (xsel) return [xsel, '--clipboard', '--input'];
  const xclip = findExecutable(['xclip'], searchPath);
  if (xclip) return [xclip, '-selection', 'clipboard', '-in'];
  const bundled = bundledXsel();
  return bundled ? [bundled, '--clipboard', '--input'] : null;
}

/**
 * The copy of xsel that ships inside the desktop driver's clipboard package (clipboardy), so a
 * desktop without xsel or xclip can still type any text. clipboardy's `exports` hide its
 * package.json, so its entry point is resolved and the program found beside it.
 */
export function bundledXsel(): string | null {
  const require = createRequire(import.meta.url);
  for (const from of ['@nut-tree-fork/default-clipboard-provider', null]) {
    try {
      const resolver = from ? createRequire(require.resolve(from)) : require;
      const program = path.join(path.dirname(resolver.resolve('clipboardy')), 'fallbacks', 'linux', 'xsel');
      if (findExecutable(['xsel'], path.dirname(program))) return program;
    } catch {
      // not installed this way
    }
  }
  return null;
}

/** The program that prints the clipboard, beside the one that fills it (to see that the text is there). */
function clipboardReaderFor(writer: string[]): string[] | null {
  const [program] = writer;
  if (!program) return null;
  const name = path.basename(program);
  if (name === 'xsel') return [program, '--clipboard', '--output'];
  if (name === 'xclip') return [program, '-selection', 'clipboard', '-out'];
  if (name === 'pbcopy') return ['pbpaste'];
  return null;
}

function run(argv: string[], input: string | null, env: NodeJS.ProcessEnv): Promise<string> {
  const [program, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    // stderr ignored; a writer's stdout too: xsel and xclip leave a child behind to serve the selection.
    const child = spawn(program, args, {
      env,
      stdio: ['pipe', input === null ? 'pipe' : 'ignore', 'ignore'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(program)} exited with code ${code}`)),
    );
    child.stdin?.end(input ?? '', 'utf8');
  });
}

/**
 * Puts `text` on the clipboard and returns once the clipboard holds it: xsel leaves its parent
 * before the child it forks owns the selection, so a paste right away could find the old text.
 */
export async function writeClipboard(argv: string[], text: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run(argv, text, env);
  const reader = clipboardReaderFor(argv);
  if (!reader) return;
  const deadline = Date.now() + 3_000;
  while ((await run(reader, null, env).catch(() => null)) !== text) {
    if (Date.now() > deadline) throw new Error('the clipboard did not take the text within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
