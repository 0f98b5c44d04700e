/** "Did you mean …?" for a toolkit slug nobody has: the known slugs a typo away from it. */

/**
 * Edits (insert, delete, substitute, swap two neighbours) between a and b; stops counting past
 * `limit` (returns limit + 1), so comparing against a thousand slugs stays cheap.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      current.push(best);
      rowMin = Math.min(rowMin, best);
    }
    if (rowMin > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Up to `max` candidates close to `wanted`: a few edits away (one per three letters, at least
 * one), or starting with it (`google` → googlecalendar); nearest first, then alphabetical.
 */
export function closeNames(wanted: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  const scored = new Map<string, number>();
  for (const candidate of candidates) {
    if (candidate === wanted || scored.has(candidate)) continue;
    const distance = editDistance(wanted, candidate, limit);
    if (distance <= limit) scored.set(candidate, distance);
    else if (wanted.length >= 4 && candidate.startsWith(wanted)) scored.set(candidate, limit + 1);
  }
  return [...scored]
    .sort(([a, da], [b, db]) => da - db || a.localeCompare(b))
    .slice(0, max)
    .map(([name]) => name);
}
