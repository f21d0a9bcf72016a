import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { AQQUA } from '../support/people.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * --out FILE writes only a regular file: a device, a FIFO, a socket or a directory is refused
 * (a rename over /dev/stdout, as root, replaced the device with a file); a symbolic link is
 * followed to the regular file it points to; an existing file is replaced only if it is
 * empty, a plan of ours, or with --force. `--out -` puts the plan's JSON, and nothing else,
 * on stdout. Refusals come before the first request.
 */

const { server, home, cli } = useFakeEcoTaxa();
const at = (name: string): string => path.join(home.home, name);
const plan1 = (out: string, ...more: string[]): Promise<CliResult> =>
  cli(['plan', 'grant', '1', '--out', out, ...more]);

function isPlan(file: string): boolean {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: string; projects?: { projid: number }[] };
  return doc.format === 'ecotaxa-access-plan' && doc.projects?.[0]?.projid === 1;
}

/** The files in the home folder but the tool's own: no temporary file is left behind. */
const leftovers = (): string[] => fs.readdirSync(home.home).filter((n) => n.endsWith('.tmp'));

function refused(result: CliResult, message: string): void {
  expect(result).toEqual({ code: 1, stdout: '', stderr: `error: ${message}\n` });
  // Refused before the first request: nothing was read, let alone written.
  expect(server.fake.log).toEqual([]);
  expect(leftovers()).toEqual([]);
}

describe('--out FILE: what it may replace', () => {
  it('saves a new file, and replaces a plan it saved before, keeping its permissions', async () => {
    const file = at('grant.plan.json');
    expect((await plan1(file)).code).toBe(0);
    expect(isPlan(file)).toBe(true);
    fs.chmodSync(file, 0o600);
    const again = await plan1(file);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Saved the plan to ${file}: apply it with \`ecotaxa-access apply ${file}\``);
    expect(isPlan(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('refuses to replace a file that is not a plan, leaving it as it was; --force replaces it', async () => {
    const file = at('notes.txt');
    fs.writeFileSync(file, 'my notes\n');
    refused(
      await plan1(file),
      `--out ${file}: the file exists and is not a plan written by ecotaxa-access: choose another name, or add --force to replace it`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes\n');
    const forced = await plan1(file, '--force');
    expect(forced.code).toBe(0);
    expect(isPlan(file)).toBe(true);
  });

  it('replaces an empty file (as made by mktemp or a shell redirection)', async () => {
    const file = at('empty.json');
    fs.writeFileSync(file, '');
    expect((await plan1(file)).code).toBe(0);
    expect(isPlan(file)).toBe(true);
  });

  it('sync --out refuses the same way', async () => {
    const policy = at('sharing.yaml');
    fs.writeFileSync(
      policy,
      `version: 1\nrules:\n  - user: ${AQQUA.email}\n    right: view\n    projects: { ids: [1] }\n`,
    );
    const file = at('notes.txt');
    fs.writeFileSync(file, 'my notes\n');
    refused(
      await cli(['plan', 'sync', policy, '--out', file]),
      `--out ${file}: the file exists and is not a plan written by ecotaxa-access: choose another name, or add --force to replace it`,
    );
  });

  it('--force without --out is refused', async () => {
    refused(await cli(['plan', 'grant', '1', '--force']), '--force lets --out replace a file: use it with --out FILE');
  });
});

describe('--out FILE: only regular files', () => {
  it('refuses a FIFO, without opening it, and leaves it a FIFO', async () => {
    const fifo = at('plan.fifo');
    execFileSync('mkfifo', [fifo]);
    refused(
      await plan1(fifo),
      `--out ${fifo}: a FIFO (named pipe): --out writes regular files only (\`--out -\` writes to stdout)`,
    );
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a directory', async () => {
    const dir = at('plans');
    fs.mkdirSync(dir);
    refused(
      await plan1(dir),
      `--out ${dir}: a directory: --out writes regular files only (\`--out -\` writes to stdout)`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('follows a symbolic link to a plan: the link stays, the file it points to is replaced', async () => {
    const file = at('real.plan.json');
    fs.writeFileSync(file, `${JSON.stringify({ format: 'ecotaxa-access-plan', version: 1 })}\n`);
    const link = at('link.plan.json');
    fs.symlinkSync(file, link);
    const result = await plan1(link);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Saved the plan to ${file}: apply it with \`ecotaxa-access apply ${link}\``);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(isPlan(file)).toBe(true);
  });

  it('through a link to a file that is not a plan: refused, or with --force that file is replaced', async () => {
    const file = at('notes.txt');
    fs.writeFileSync(file, 'my notes\n');
    const link = at('link.json');
    fs.symlinkSync(file, link);
    refused(
      await plan1(link),
      `--out ${link}: the file exists and is not a plan written by ecotaxa-access: choose another name, or add --force to replace it`,
    );
    expect((await plan1(link, '--force')).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(isPlan(file)).toBe(true);
  });

  it('refuses a link to /dev/null or to a FIFO, and leaves the link as it was', async () => {
    const toNull = at('null.json');
    fs.symlinkSync('/dev/null', toNull);
    refused(
      await plan1(toNull),
      `--out ${toNull}: a symbolic link to /dev/null, a device: --out writes regular files only (\`--out -\` writes to stdout)`,
    );
    expect(fs.readlinkSync(toNull)).toBe('/dev/null');
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = at('plan.fifo');
    execFileSync('mkfifo', [fifo]);
    const toFifo = at('fifo.json');
    fs.symlinkSync(fifo, toFifo);
    refused(
      await plan1(toFifo, '--force'),
      `--out ${toFifo}: a symbolic link to ${fifo}, a FIFO (named pipe): --out writes regular files only (\`--out -\` writes to stdout)`,
    );
    expect(fs.readlinkSync(toFifo)).toBe(fifo);
  });

  it('refuses a dangling link, creating nothing where it points', async () => {
    const target = at('nowhere.json');
    const link = at('dangling.json');
    fs.symlinkSync(target, link);
    refused(
      await plan1(link),
      `--out ${link}: a symbolic link to ${target}, which does not exist: --out follows a link only to a regular file`,
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe('--out -: the plan on stdout, alone', () => {
  it('plan grant --out -: stdout is the plan document; the plan for people goes to stderr', async () => {
    const result = await plan1('-');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { format: string; projects: { projid: number }[] };
    expect(doc.format).toBe('ecotaxa-access-plan');
    expect(doc.projects.map((p) => p.projid)).toEqual([1]);
    expect(result.stderr).toContain('Plan: 1 to grant, 0 unchanged, 0 skipped.');
    expect(result.stderr).not.toContain('Saved the plan');
  });

  it('grant --out - --yes: the results go to stderr too; the grant is done', async () => {
    const result = await cli(['grant', '1', '--out', '-', '--yes']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { format: string }).format).toBe('ecotaxa-access-plan');
    expect(result.stderr).toContain('Done: 1 granted, 0 failed.');
    expect(server.fake.privilegeOf(1, AQQUA.id)).toBe('View');
  });

  it('is refused beside --json or --format markdown, which write stdout too', async () => {
    const json = await cli(['plan', 'grant', '1', '--out', '-', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'usage', message: '--out - and --json both write the plan on stdout: choose one' },
    });
    const policy = at('sharing.yaml');
    fs.writeFileSync(
      policy,
      `version: 1\nrules:\n  - user: ${AQQUA.email}\n    right: view\n    projects: { ids: [1] }\n`,
    );
    refused(
      await cli(['plan', 'sync', policy, '--out', '-', '--format', 'markdown']),
      '--out - writes the plan as JSON on stdout, --format markdown as Markdown: choose one',
    );
  });
});
