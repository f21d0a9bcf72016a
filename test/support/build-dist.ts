import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * vitest's globalSetup: bundles src/ into dist/ (esbuild: about a second) before any test
 * runs, so that the tests that spawn bin/ecotaxa-access.js run the code as it is now, even
 * when vitest is started directly after an edit. The declarations are left to `npm run build`.
 */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'bin', 'build.mjs'), '--bundle-only'], {
    cwd: root,
    // On failure the error carries the build's own message (its stderr).
    stdio: 'pipe',
  });
}
