/** Shared benchmark plumbing: timing, medians, and the one table `npm run bench` prints. */

export interface BenchRow {
  what: string;
  /** A median time (ms), a peak (MB) or a size (KiB), as `unit` says. */
  value: number;
  unit: 'ms' | 'MB' | 'KiB' | 'of';
  /** The baseline measured in the same run, if this row is a ratio. */
  baseline?: { what: string; value: number };
  /** Budget: a maximum ratio against the baseline, or a maximum absolute value; none for an informative row. */
  budget?: { ratio: number } | { max: number };
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function nowMs(): number {
  return performance.now();
}

export async function timeIt(fn: () => unknown): Promise<number> {
  const start = nowMs();
  await fn();
  return nowMs() - start;
}

/**
 * Measures several contenders in interleaved rounds (A B C A B C …) so that drift in machine
 * load hits all of them alike; each contender returns its own measurement. Returns the median
 * per contender.
 */
export async function interleavedSamples(
  contenders: Record<string, () => Promise<number>>,
  rounds: number,
  warmup = 2,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < rounds + warmup; round++) {
    for (const [name, measure] of Object.entries(contenders)) {
      const value = await measure();
      if (round >= warmup) samples[name]?.push(value);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** `interleavedSamples` where the measurement is how long each contender takes. */
export function interleaved(
  contenders: Record<string, () => unknown>,
  rounds: number,
  warmup = 2,
): Promise<Record<string, number>> {
  const timed = Object.fromEntries(Object.entries(contenders).map(([name, fn]) => [name, () => timeIt(fn)]));
  return interleavedSamples(timed, rounds, warmup);
}

export function meetsBudget(row: BenchRow): boolean {
  if (!row.budget) return true;
  if ('ratio' in row.budget)
    return row.baseline !== undefined && row.value / row.baseline.value <= row.budget.ratio;
  return row.value <= row.budget.max;
}

function amount(value: number, unit: BenchRow['unit']): string {
  return unit === 'of' ? String(value) : `${value.toFixed(1)} ${unit}`;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['what', 'value', 'baseline', 'ratio', 'budget', 'ok'];
  const body = rows.map((row) => {
    const ratio = row.baseline ? row.value / row.baseline.value : undefined;
    return [
      row.what,
      amount(row.value, row.unit),
      row.baseline ? `${amount(row.baseline.value, row.unit)} (${row.baseline.what})` : '—',
      ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
      !row.budget
        ? '—'
        : 'ratio' in row.budget
          ? `≤ ${row.budget.ratio}×`
          : `≤ ${row.budget.max} ${row.unit}`,
      !row.budget ? '—' : meetsBudget(row) ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
