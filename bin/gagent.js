#!/usr/bin/env node
// Tiny launcher: only compiled JS runs at start-up (no TypeScript loader, no heavy imports).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
