/**
 * What a test file's tests start and must stop: each `push`ed step runs after the test, last
 * first, even when the test failed. Registers its own afterEach.
 */
import { afterEach } from 'vitest';

type Cleanup = () => Promise<unknown> | unknown;

export interface Cleanups {
  push(...cleanups: Cleanup[]): void;
  /** Closes `thing` after the test; returns it, so a start and its cleanup are one expression. */
  later<T extends { close(): Promise<unknown> | unknown }>(thing: T): T;
}

export function cleanupAfterEach(): Cleanups {
  const steps: Cleanup[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return {
    push: (...cleanups) => {
      steps.push(...cleanups);
    },
    later: (thing) => {
      steps.push(() => thing.close());
      return thing;
    },
  };
}
