#!/usr/bin/env node
/**
 * npm run build:standalone
 *
 * Writes dist/ecotaxa-access-<platform>-<arch> (dist/ecotaxa-access-linux-x64 here): one
 * file that runs every command with no Node.js installed, a Node single executable
 * application (https://nodejs.org/api/single-executable-applications.html):
 *
 * 1. esbuild bundles src/ and every library into one CommonJS script: a single executable
 *    runs one script and cannot import files, so no code splitting, and no top-level await
 *    (the entry below calls run() instead);
 * 2. `node --experimental-sea-config` turns it into a blob, with V8's code cache (start-up);
 * 3. a copy of the node running this script gets the blob injected by postject, behind the
 *    fuse that tells node to run it.
 *
 * Built and checked on Linux x64 only. On macOS the copy's signature is removed before the
 * injection and an ad hoc one added after (codesign), and the blob goes into the NODE_SEA
 * segment; on Windows the result is an .exe, unsigned. See README "Install".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { DIST, ROOT, common, thirdPartyLicenses } from './build.mjs';

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const name = `ecotaxa-access-${process.platform}-${process.arch}`;
const executable = path.join(DIST, process.platform === 'win32' ? `${name}.exe` : name);

/**
 * Runs a step, showing its output only if it fails: postject's ELF library warns about
 * section names ("Can't find string offset for section name '.note.100'") on every
 * successful injection.
 */
function quietly(command, args) {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed${output === '' ? '' : `:\n${output}`}`);
  }
}

async function main() {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-sea-'));
  try {
    const script = path.join(work, 'ecotaxa-access.cjs');
    const { metafile } = await esbuild.build({
      ...common,
      stdin: {
        contents:
          "import { run } from './src/cli/run.ts';\nrun().catch((error) => {\n  process.exitCode = 1;\n  console.error(error);\n});\n",
        resolveDir: ROOT,
        sourcefile: 'standalone.ts',
        loader: 'ts',
      },
      outfile: script,
      format: 'cjs',
      // A single executable's own require() loads only Node's built-ins; Node's documentation
      // gives this one, for the CommonJS libraries bundled in that require() them.
      banner: { js: "require = require('node:module').createRequire(__filename);" },
    });

    const blob = path.join(work, 'ecotaxa-access.blob');
    const config = path.join(work, 'sea-config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
    );
    quietly(process.execPath, ['--experimental-sea-config', config]);

    fs.mkdirSync(DIST, { recursive: true });
    fs.rmSync(executable, { force: true });
    fs.copyFileSync(process.execPath, executable);
    fs.chmodSync(executable, 0o755);
    if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', executable]);
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    const segment = process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
    quietly(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE, ...segment]);
    if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', executable]);

    // Node's own licence, and those of the libraries bundled in, beside the file.
    const notices = `${thirdPartyLicenses([metafile])}\n${'='.repeat(72)}\n\nNode.js ${process.version}, the runtime inside ${path.basename(executable)}: see https://github.com/nodejs/node/blob/${process.version}/LICENSE\n`;
    fs.writeFileSync(`${executable}.LICENSES.txt`, notices);

    const mb = (fs.statSync(executable).size / 1024 / 1024).toFixed(0);
    process.stderr.write(`built ${path.relative(ROOT, executable)} (${mb} MB) in ${Date.now() - started} ms\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`build:standalone failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
