import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * What `npm run build` writes into dist/ (built fresh by vitest's globalSetup): the start-up
 * split between the entry and the lazy chunks, and no source map pointing at sources that
 * do not ship. esbuild, not minifying, heads each bundled module with its path as a comment
 * ("// node_modules/zod/v4/core/core.js", "// src/cli/program.ts"): that says what each
 * file holds.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');

/** The relative files a module imports statically (dynamic import() is not followed). */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*"(\.{1,2}\/[^"]+)";/gm),
    ...text.matchAll(/^import\s*"(\.{1,2}\/[^"]+)";/gm),
  ].map((m) => m[1] as string);
  return specifiers.map((s) => path.resolve(path.dirname(file), s));
}

/** A module and everything it loads before its first line runs. */
function loadedAtStart(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return [...seen];
}

/** What the files hold: npm packages ("zod") and our modules ("src/cli/program.ts"). */
function contents(files: readonly string[]): { packages: string[]; sources: string[] } {
  const packages = new Set<string>();
  const sources = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(name as string);
    for (const [, name] of text.matchAll(/^\/\/ (src\/\S+\.ts)$/gm)) sources.add(name as string);
  }
  return { packages: [...packages].sort(), sources: [...sources].sort() };
}

const allFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));

describe('the bundle', () => {
  it('starts `--help` and `--version` with commander and the command tree only', () => {
    const { packages, sources } = contents(loadedAtStart(path.join(DIST, 'cli.js')));
    expect(packages).toEqual(['commander']);
    // argv-secrets: commander's own errors are scrubbed of secrets as they are parsed.
    expect(sources).toEqual([
      'src/cli/argv-secrets.ts',
      // Refuses blank values before anything else loads: a few lines, no dependency.
      'src/cli/blank-values.ts',
      // error-lines: commander's own errors are made one line as they are parsed (a few lines).
      'src/cli/error-lines.ts',
      'src/cli/exit-codes.ts',
      'src/cli/main.ts',
      'src/cli/program-read.ts',
      'src/cli/program-write.ts',
      'src/cli/program.ts',
      'src/cli/run.ts',
      'src/errors.ts',
      'src/output/inert.ts',
      'src/output/io.ts',
      'src/output/json.ts',
      'src/version.ts',
    ]);
  });

  it('loads axios, zod and nock only in the chunks of the commands that need them', () => {
    const everything = contents(allFiles(DIST).filter((f) => f.endsWith('.js'))).packages;
    for (const heavy of ['axios', 'zod', 'nock', 'yaml']) expect(everything).toContain(heavy);
    // Nothing is left for npm to install: every runtime library is in the bundle.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    // No configuration loader that could run a configuration file (they are data only).
    expect(everything).not.toContain('cosmiconfig');
  });

  it("the library's declarations mention neither zod nor axios (a program using it installs neither)", () => {
    const declarations = allFiles(path.join(DIST, 'types')).filter((f) => f.endsWith('.d.ts'));
    expect(declarations).toContain(path.join(DIST, 'types', 'index.d.ts'));
    const mentioning = declarations.filter((f) =>
      /from ['"](zod|axios)['"]|\/schemas\.js['"]/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(mentioning.map((f) => path.relative(DIST, f))).toEqual([]);
  });

  it('ships no source map, nor a pointer to one', () => {
    const files = allFiles(DIST).filter((f) => !path.basename(f).startsWith('ecotaxa-access-'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const pointing = files.filter((f) => f.endsWith('.js') && fs.readFileSync(f, 'utf8').includes('sourceMappingURL'));
    expect(pointing).toEqual([]);
  });

  it('names the licence of every library it bundles', () => {
    const notices = fs.readFileSync(path.join(DIST, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    const bundled = contents(allFiles(DIST).filter((f) => f.endsWith('.js'))).packages;
    for (const name of bundled) expect(notices, name).toMatch(new RegExp(`^${name} \\d`, 'm'));
  });
});
