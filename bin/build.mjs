#!/usr/bin/env node
/**
 * npm run build [-- --bundle-only]
 *
 * Builds what the npm package ships, into dist/:
 * - dist/cli.js, the command (bin/ecotaxa-access.js runs it), and dist/index.js, the library:
 *   esbuild bundles of src/ and of every runtime library (commander, axios, zod, chalk, ora,
 *   yaml, nock, p-limit), so that installing the package installs nothing else. ESM
 *   with code splitting: `--help` loads only dist/cli.js (commander and the command tree);
 *   each command's code, and axios, zod and nock, are chunks loaded when a command runs.
 * - dist/types/: the library's declarations (tsc), from src/index.ts alone.
 * - dist/THIRD-PARTY-LICENSES.txt: the licence of every library bundled in.
 *
 * No source maps: the bundles are not minified, so a stack trace (--verbose) points at
 * readable code with the original names. --bundle-only skips the declarations (tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Options every bundle shares, the single executable's included (bin/build-standalone.mjs). */
export const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20.12',
  // src/version.ts: the version is written in, never read from package.json at run time.
  define: { __ECOTAXA_ACCESS_VERSION__: JSON.stringify(pkg.version) },
  // Bundled code keeps its names: errors are reported by class name (`--json` "type").
  keepNames: true,
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
};

/** What the build writes, so that a rebuild leaves nothing stale behind. */
function clean({ keepTypes }) {
  if (!fs.existsSync(DIST)) return;
  for (const name of fs.readdirSync(DIST)) {
    // The single executable is built on purpose, and slowly: keep it.
    if (name.startsWith('ecotaxa-access-') || (keepTypes && name === 'types')) continue;
    fs.rmSync(path.join(DIST, name), { recursive: true, force: true });
  }
}

async function bundle() {
  return esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli/run.ts', index: 'src/index.ts' },
    outdir: DIST,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS libraries inside an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __ecotaxaAccessRequire } from 'node:module';\nconst require = __ecotaxaAccessRequire(import.meta.url);",
    },
  });
}

/** The library's declarations: src/index.ts and what it reaches, nothing of the CLI. */
async function declarations() {
  const { default: ts } = await import('typescript');
  const configPath = path.join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram([path.join(ROOT, 'src', 'index.ts')], {
    ...options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    rootDir: path.join(ROOT, 'src'),
    outDir: path.join(DIST, 'types'),
  });
  const outputs = new Map();
  const result = program.emit(undefined, (file, text) => outputs.set(path.resolve(file), text));
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(`declarations:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  // Only what index.d.ts reaches: schemas.d.ts, say, would name zod, which consumers lack.
  const reached = new Set();
  const visit = (file) => {
    if (reached.has(file)) return;
    const text = outputs.get(file);
    if (text === undefined) throw new Error(`declarations: ${path.relative(ROOT, file)} was not emitted`);
    reached.add(file);
    for (const [, spec] of text.matchAll(/\bfrom '(\.{1,2}\/[^']+)\.js'/g)) {
      visit(path.resolve(path.dirname(file), `${spec}.d.ts`));
    }
  };
  visit(path.join(DIST, 'types', 'index.d.ts'));
  for (const file of reached) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, outputs.get(file));
  }
}

/**
 * A package's licence file, else the License section of its README (agent-base has only
 * that), else what its package.json says (is-node-process ships no licence text at all).
 */
function licenceText(dir, meta) {
  const files = fs.readdirSync(path.join(ROOT, dir));
  const file = files.find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (file !== undefined) return fs.readFileSync(path.join(ROOT, dir, file), 'utf8').trim();
  const readme = files.find((f) => /^readme\.md$/i.test(f));
  const lines = readme === undefined ? [] : fs.readFileSync(path.join(ROOT, dir, readme), 'utf8').split('\n');
  const heading = lines.findIndex((l) => /^#* *licen[cs]e\s*$/i.test(l));
  const section =
    heading < 0
      ? ''
      : lines
          .slice(heading + 1)
          .join('\n')
          .replace(/^[-=]+\n/, '');
  if (/copyright/i.test(section)) return section.trim();
  if (typeof meta.license !== 'string') throw new Error(`${dir} states no licence: check it before bundling it`);
  const author = typeof meta.author === 'string' ? meta.author : meta.author?.name;
  const repository = typeof meta.repository === 'string' ? meta.repository : meta.repository?.url;
  return [
    `The package ships no licence text; its package.json says: license ${meta.license}`,
    author === undefined ? '' : `, author ${author}`,
    repository === undefined ? '' : `, repository ${repository}`,
    '.',
  ].join('');
}

/** Each package of node_modules the metafile shows in a bundle: name, version, licence text. */
export function thirdPartyLicenses(metafiles) {
  const roots = new Set();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match !== null) roots.add(match[1]);
    }
  }
  const sections = [...roots]
    .map((dir) => {
      const meta = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
      const text = licenceText(dir, meta);
      return { id: `${meta.name}@${meta.version}`, text: `${meta.name} ${meta.version} (${meta.license})\n\n${text}` };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const unique = sections.filter((s, i) => i === 0 || sections[i - 1].id !== s.id);
  return `ecotaxa-access ${pkg.version} bundles these libraries, under their own licences:\n\n${unique
    .map((s) => s.text)
    .join(`\n\n${'-'.repeat(72)}\n\n`)}\n`;
}

async function main() {
  const started = Date.now();
  const bundleOnly = process.argv.includes('--bundle-only');
  clean({ keepTypes: bundleOnly });
  const { metafile } = await bundle();
  fs.writeFileSync(path.join(DIST, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses([metafile]));
  if (!bundleOnly) await declarations();
  process.stderr.write(`built dist/ in ${Date.now() - started} ms\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
