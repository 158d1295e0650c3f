#!/usr/bin/env node
// Entry point: turn on source maps before the model loads, so stacks name .ts lines.
process.setSourceMapsEnabled(true);
const { main, reportError } = await import('./main.js');
// an error nothing caught (a timer, a stray promise) still ends with a message and a documented
// exit code, never a JS stack trace
const last = (e: unknown): void => {
  process.exitCode = reportError(e);
  process.exit();
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);
process.exitCode = await main(process.argv.slice(2));
