/**
 * A long run allocates a few megabytes a step (screenshots, their base64 and the JSON bodies of
 * model requests), nearly all garbage a step later, while its live heap stays near 30 MB. V8's
 * default lets the heap grow to about four times the live size before a full collection, which
 * put a 300-step GUI run at 240–260 MB resident. Letting it grow by half instead keeps the peak
 * near live size; the extra collections cost a few milliseconds a step. The flag only changes
 * when V8 collects, never how much it may use, so it cannot make a run fail for lack of memory.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

export function keepHeapNearLiveSize(percent = HEAP_GROWING_PERCENT): void {
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
