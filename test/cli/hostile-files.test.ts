import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * Files from outside that the tool reads: the journal folder, saved plans, policies,
 * recordings. A FIFO there must not hang a command, /dev/zero must not fill the memory, a run
 * id must be one the tool writes, and bytes that are not UTF-8 are refused with where they are.
 * A test that hangs on the code before these fixes fails by its timeout.
 */

const { server, home, env, cli, journals } = useFakeEcoTaxa();

function fifo(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('mkfifo', [file]);
  return file;
}

/** A journal as the tool writes it, with the run id given (a hostile one included). */
const journal = (id: string, server: string): string => journals.writeGrant(id, server, [1]);

describe('the journal folder', () => {
  it('history lists the journals and names a FIFO and a link to /dev/zero it leaves out', async () => {
    journal('20261126T090000000Z-aaaaaa', server.url);
    const pipe = fifo(path.join(journals.dir, '20261126T100000000Z-bbbbbb.jsonl'));
    fs.symlinkSync('/dev/zero', path.join(journals.dir, 'zero.jsonl'));
    const result = await cli(['history', '--ids']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('20261126T090000000Z-aaaaaa\n');
    expect(result.stderr).toBe(
      [
        `warning: cannot read the journal ${pipe}: it is a FIFO (named pipe), not a regular file; it is not listed`,
        `warning: cannot read the journal ${path.join(journals.dir, 'zero.jsonl')}: it is a device, not a regular file; it is not listed`,
        '',
      ].join('\n'),
    );
  });

  it('undo leaves out a FIFO, and a journal with a run id the tool never writes, and says so', async () => {
    const pipe = fifo(path.join(journals.dir, '20261126T100000000Z-bbbbbb.jsonl'));
    const hostile = journal('x$(touch pwned)\u001b[2J', server.url);
    const result = await cli(['undo', '--dry-run']);
    expect(result.stderr).toBe(
      [
        `warning: cannot read the journal ${pipe}: it is a FIFO (named pipe), not a regular file; it is left out`,
        `warning: ${hostile} is not a journal of ecotaxa-access (it has the run id "x$(touch pwned)\\u001b[2J", not one this tool writes); it is left out`,
        `error: no run to undo: no change on ${server.url} by you that is not undone yet (\`ecotaxa-access history\` lists the runs)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(1);
    expect(fs.existsSync(path.join(home.home, 'pwned'))).toBe(false);
  });
});

describe('files named on the command line', () => {
  it.each([
    ['apply', (file: string) => ['apply', file, '--yes'], 'the plan'],
    ['sync', (file: string) => ['sync', file, '--dry-run'], 'the policy'],
  ])('%s refuses a FIFO or a link to /dev/zero, at once and before any request', async (_name, argv, what) => {
    const pipe = fifo(path.join(home.home, 'in.fifo'));
    const zero = path.join(home.home, 'zero.json');
    fs.symlinkSync('/dev/zero', zero);
    for (const [file, why] of [
      [pipe, 'it is a FIFO (named pipe), not a regular file'],
      [zero, 'it is a device, not a regular file'],
    ] as const) {
      const result = await cli(argv(file));
      expect(result).toEqual({ code: 1, stdout: '', stderr: `error: cannot read ${what} ${file}: ${why}\n` });
    }
    expect(server.fake.log).toEqual([]);
  });

  it('--replay refuses a FIFO among the recordings, naming it', async () => {
    const dir = path.join(home.home, 'recordings');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.resolve('fixtures/demo/whoami.json'), path.join(dir, 'whoami.json'));
    const pipe = fifo(path.join(dir, 'zz.json'));
    const result = await cli(['--replay', dir, 'whoami']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot read the recording ${pipe}: it is a FIFO (named pipe), not a regular file\n`,
    });
  });

  it('a policy that is not UTF-8 is refused with the line and column, not read as nothing', async () => {
    const policy = path.join(home.home, 'sharing.yaml');
    const latin1 = Buffer.from(
      'version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: view\n    projects: { title: "Eckernf\xf6rde" }\n',
      'latin1',
    );
    fs.writeFileSync(policy, latin1);
    const result = await cli(['plan', 'sync', policy]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot read the policy ${policy}: line 5, column 32 is not UTF-8 text: save the file as UTF-8\n`,
    });
  });
});

describe('configuration files are data, never run', () => {
  it('a cloned repository’s ecotaxa-access.config.js is named in a warning and never runs', async () => {
    const repo = path.join(home.home, 'cloned-repo');
    fs.mkdirSync(repo);
    const marker = path.join(home.home, 'ran');
    const js = path.join(repo, 'ecotaxa-access.config.js');
    fs.writeFileSync(js, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = {};\n`);
    const result = await runCli(['history'], { env, cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      `warning: ${js} is not read: a configuration is data (JSON or YAML) and is never run; put its settings in .ecotaxa-accessrc.json`,
    );
    expect(fs.existsSync(marker)).toBe(false);

    const explicit = await runCli(['--config', js, 'history'], { env, cwd: repo });
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toContain(`error: config file ${js}: ${js} is not read`);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('--record writes only a recording, only into a regular file', () => {
  it('refuses a scenario whose file is not a recording, or is a FIFO, before any request', async () => {
    const dir = path.join(home.home, 'rec');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.json'), '{"mine": true}\n');
    const pipe = fifo(path.join(dir, 'pipe.json'));
    const notes = await cli(['--record', dir, '--scenario', 'notes', 'whoami']);
    expect(notes).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: --record ${path.join(dir, 'notes.json')}: the file exists and is not a recording written by ecotaxa-access: choose another name\n`,
    });
    expect(fs.readFileSync(path.join(dir, 'notes.json'), 'utf8')).toBe('{"mine": true}\n');
    const piped = await cli(['--record', dir, '--scenario', 'pipe', 'whoami']);
    expect(piped.stderr).toBe(`error: --record ${pipe}: a FIFO (named pipe): --record writes regular files only\n`);
    expect(fs.lstatSync(pipe).isFIFO()).toBe(true);
    expect(server.fake.log).toEqual([]);
    // A recording made before is recorded again.
    expect((await cli(['--record', dir, '--scenario', 'again', 'whoami'])).code).toBe(0);
    expect((await cli(['--record', dir, '--scenario', 'again', 'whoami'])).code).toBe(0);
  });
});
