#!/usr/bin/env node
// Thin launcher: the CLI is built to dist/ by `npm ci` (root `prepare` script).
import { run } from '../dist/main.js';

// `proxsense … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv);
