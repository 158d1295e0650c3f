#!/usr/bin/env node
// Entry point: turn on source maps before the model loads, so stacks name .ts lines.
process.setSourceMapsEnabled(true);
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
