#!/usr/bin/env node
// The ecotaxa-access command: runs the CLI bundled in dist/ (`npm run build` in a clone).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    process.stderr.write('error: ecotaxa-access is not built: run `npm run build` in its folder\n');
    process.exit(1);
  }
  throw err;
}
await cli.run();
