/**
 * Asks `probe` every `everyMs` until it answers something other than undefined, and returns that.
 * Past `timeoutMs` it throws, so a test waiting on a process fails instead of hanging.
 */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, everyMs = 200 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
