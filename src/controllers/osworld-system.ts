/**
 * The system an OSWorld server runs on, from its GET /platform answer (Python's platform.system():
 * "Linux", "Windows", "Darwin"). The answer is the server's and so untrusted: only an exact known
 * name counts, and an unknown one is never repeated into a prompt.
 */

export type RemoteSystem = 'Linux' | 'Windows' | 'Darwin' | 'unknown';

/** More than any system name; a longer answer is not one. */
export const PLATFORM_ANSWER_MAX_BYTES = 256;

export function parseSystem(answer: string | null): RemoteSystem {
  const name = answer?.trim().toLowerCase();
  if (name === 'linux') return 'Linux';
  if (name === 'windows') return 'Windows';
  if (name === 'darwin') return 'Darwin';
  return 'unknown';
}

/** What the model is told it works on. */
export function systemDescription(system: RemoteSystem): string {
  switch (system) {
    case 'Linux':
      return 'a remote Linux desktop';
    case 'Windows':
      return 'a remote Windows desktop';
    case 'Darwin':
      return 'a remote macOS desktop (keyboard shortcuts use "command" where Linux and Windows use "ctrl", e.g. ["command", "c"] to copy)';
    case 'unknown':
      return 'a remote desktop';
  }
}

/** The modifier of the system's paste and select-all shortcuts. */
export function shortcutModifier(system: RemoteSystem): 'ctrl' | 'command' {
  return system === 'Darwin' ? 'command' : 'ctrl';
}

/** Linux, and whatever else the server could not name, draws with X11 (as pyautogui does there). */
export function usesX11(system: RemoteSystem): boolean {
  return system === 'Linux' || system === 'unknown';
}
