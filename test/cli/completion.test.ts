import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionSpec } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Io } from '../../src/output/io.js';
import { useFakeEcoTaxa } from '../support/use-fake-ecotaxa.js';

/*
 * completion bash|zsh|fish: scripts generated from the command tree. Their content is checked
 * for a few commands exactly, against the tree for all of them, and the bash one is run for
 * real: sourced in bash, a completion request simulated through COMP_WORDS.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecotaxa-access.js');

/** No server: completion and `history --ids` read nothing but the home. */
const { home, cli, journals } = useFakeEcoTaxa({ world: null });

async function script(shell: string): Promise<string> {
  const result = await cli(['completion', shell]);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

const GLOBALS =
  '--url --json -v --verbose -q --quiet --timeout --config --insecure --no-color --record --replay --scenario';

describe('completion bash', () => {
  it('completes each command’s own options, its subcommands, and run ids for undo', async () => {
    const bash = await script('bash');
    expect(bash).toContain(
      '    "") opts="-V --version --url --json -v --verbose -q --quiet --timeout --config --insecure --no-color --record --replay --scenario -h --help" subs="demo login logout whoami users projects grant revoke plan sync access policy apply undo history report completion" operand=none ;;\n',
    );
    expect(bash).toContain(`  local globals="${GLOBALS}"\n`);
    expect(bash).toContain('    "plan") opts="-h --help $globals" subs="grant revoke sync" operand=none ;;\n');
    expect(bash).toContain(
      '    "undo") opts="--dry-run -y --yes --strict --concurrency --max-concurrency --detailed-exitcode --show-unchanged -h --help $globals" subs="" operand=runs ;;\n',
    );
    expect(bash).toContain(
      '    "completion") opts="-h --help $globals" subs="" operand=words words="bash zsh fish" ;;\n',
    );
    expect(bash).toContain(
      [
        '    while IFS= read -r word; do',
        `      [[ $word == "$cur"* ]] && printf -v word '%q' "$word" && COMPREPLY+=("$word")`,
        '    done < <("${COMP_WORDS[0]}" "${url[@]}" history --ids 2>/dev/null)\n',
      ].join('\n'),
    );
    expect(bash.endsWith('complete -F _ecotaxa_access ecotaxa-access\n')).toBe(true);
    // The hidden --ids of history is for the scripts, not for people.
    expect(bash).not.toMatch(/opts="[^"]*--ids[ "]/);
    expect(bash).toContain('"history") opts="--all-servers -h --help $globals"');
  });
});

describe('completion zsh', () => {
  it('is a #compdef function, with descriptions, that asks history --ids for undo', async () => {
    const zsh = await script('zsh');
    expect(zsh.startsWith('#compdef ecotaxa-access\n')).toBe(true);
    expect(zsh).toContain(
      "    ('plan') opts=('-h:show help' '--help:show help' \"${globals[@]}\"); subs=('grant:plan a grant (the same as `grant --dry-run`)' 'revoke:plan a revoke (the same as `revoke --dry-run`)' 'sync:plan a policy file (the same as `sync FILE --dry-run`)'); operand=none ;;\n",
    );
    expect(zsh).toContain(
      "    ('undo') opts=('--dry-run:show the plan and stop' '-y:apply without asking' '--yes:apply without asking' '--strict:skip projects whose rights changed since the plan' ",
    );
    expect(zsh).toContain('    ids=(${(f)"$(${words[1]} "${url[@]}" history --ids 2>/dev/null)"})\n');
    expect(zsh).toContain(
      "    ('completion') opts=('-h:show help' '--help:show help' \"${globals[@]}\"); subs=(); operand=words; choices=(bash zsh fish) ;;\n",
    );
  });
});

describe('completion fish', () => {
  it('has one complete line per option, conditioned on the command path', async () => {
    const fish = await script('fish');
    expect(fish).toContain(
      "complete -c ecotaxa-access -n '__ecotaxa_access_at' -a 'undo' -d 'put back what an earlier grant, revoke or apply changed (default: the latest)'\n",
    );
    expect(fish).toContain(
      "complete -c ecotaxa-access -n '__ecotaxa_access_at plan' -a 'grant' -d 'plan a grant (the same as `grant --dry-run`)'\n",
    );
    expect(fish).toContain("complete -c ecotaxa-access -n '__ecotaxa_access_at undo' -a '(__ecotaxa_access_runs)'\n");
    expect(fish).toContain(
      "complete -c ecotaxa-access -n '__ecotaxa_access_at grant' -l out -r -F -d 'save the plan to FILE, for `apply FILE` (\"-\": the plan as JSON on stdout)'\n",
    );
    expect(fish).toContain("complete -c ecotaxa-access -l url -x -d 'EcoTaxa API base URL");
  });
});

function quietIo(): Io {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: (async function* () {})(), env: {}, cwd: process.cwd() };
}

/** Every leaf command and the long options commander accepts on it (hidden ones left out). */
function leafOptions(command: Command, prefix: string[] = []): [string, string[]][] {
  return command.commands.flatMap((sub) => {
    const name = [...prefix, sub.name()];
    if (sub.commands.length > 0) return leafOptions(sub, name);
    const longs = sub.options.filter((o) => !o.hidden && o.long !== undefined).map((o) => o.long as string);
    return [[name.join(' '), longs] as [string, string[]]];
  });
}

describe('the scripts follow the command tree', () => {
  it('every command and each of its options is in all three scripts', async () => {
    const program = buildProgram(quietIo(), () => Promise.resolve());
    const [bash, zsh, fish] = await Promise.all(['bash', 'zsh', 'fish'].map(script));
    const leaves = leafOptions(program);
    expect(leaves.map(([name]) => name)).toContain('history');
    for (const [name, longs] of leaves) {
      const bashLine = (bash ?? '').split('\n').find((l) => l.startsWith(`    "${name}") `)) ?? '';
      const zshLine = (zsh ?? '').split('\n').find((l) => l.startsWith(`    ('${name}') `)) ?? '';
      const at = `-n '__ecotaxa_access_at ${name}'`;
      for (const long of longs) {
        expect(bashLine, `bash: ${name} ${long}`).toMatch(new RegExp(`[ "]${long}[ "]`));
        expect(zshLine, `zsh: ${name} ${long}`).toContain(`'${long}:`);
        expect(fish, `fish: ${name} ${long}`).toContain(`complete -c ecotaxa-access ${at} -l ${long.slice(2)} `);
      }
    }
    // And the spec the scripts come from has exactly the visible commands.
    expect(completionSpec(program).subcommands.map((c) => c.path.join(' '))).toEqual([
      'demo',
      'login',
      'logout',
      'whoami',
      'users',
      'projects',
      'grant',
      'revoke',
      'plan',
      'sync',
      'access',
      'policy',
      'apply',
      'undo',
      'history',
      'report',
      'completion',
    ]);
  });
});

describe('the bash script, run by bash', () => {
  /** A journal that `history --ids` lists (what undo completes). */
  function journal(id: string, server = 'https://ecotaxa.obs-vlfr.fr/api'): void {
    journals.writeGrant(id, server);
  }

  /**
   * What bash offers for the words typed (the last one being completed), as the script's
   * function computes it. The tool is a wrapper running this checkout's binary.
   */
  async function complete(...typed: string[]): Promise<string[]> {
    const bin = path.join(home.home, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    const tool = path.join(bin, 'ecotaxa-access');
    fs.writeFileSync(tool, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const file = path.join(home.home, 'ecotaxa-access.bash');
    fs.writeFileSync(file, await script('bash'));
    const words = [tool, ...typed].map((w) => `'${w}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `source '${file}'; COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _ecotaxa_access; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...home.env }, cwd: home.home, encoding: 'utf8' },
    );
    return out.split('\n').filter((l) => l !== '');
  }

  it('ecotaxa-access gr<TAB> → grant', async () => {
    expect(await complete('gr')).toEqual(['grant']);
  });

  it('ecotaxa-access plan <TAB> → grant revoke sync; plan grant --o<TAB> → --out; --out <TAB> → files', async () => {
    expect(await complete('--timeout', '5', 'plan', '')).toEqual(['grant', 'revoke', 'sync']);
    expect(await complete('plan', 'grant', '--o')).toEqual(['--out']);
    fs.writeFileSync(path.join(home.home, 'grant.plan.json'), '{}');
    expect(await complete('plan', 'grant', '--out', 'grant.p')).toEqual(['grant.plan.json']);
  });

  it('ecotaxa-access policy <TAB> → dump; policy dump --o<TAB> → --out', async () => {
    expect(await complete('policy', '')).toEqual(['dump']);
    expect(await complete('policy', 'dump', '--o')).toEqual(['--out']);
    expect(await complete('acc')).toEqual(['access']);
  });

  it('ecotaxa-access undo <TAB> → the run ids of this server, newest first, read from the journals', async () => {
    journal('20261126T090000000Z-aaaaaa');
    journal('20261127T090000000Z-bbbbbb');
    journal('20261128T090000000Z-cccccc', 'https://ecotaxa.example.org/api');
    expect(await complete('undo', '')).toEqual(['20261127T090000000Z-bbbbbb', '20261126T090000000Z-aaaaaa']);
    expect(await complete('undo', '20261126')).toEqual(['20261126T090000000Z-aaaaaa']);
    // The --url on the line chooses the server whose runs are offered.
    expect(await complete('--url', 'https://ecotaxa.example.org/api', 'undo', '')).toEqual([
      '20261128T090000000Z-cccccc',
    ]);
  });

  it('ecotaxa-access completion <TAB> → the shells', async () => {
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('undo <TAB> never offers a journal whose run id the tool never writes', async () => {
    journal('20261126T090000000Z-aaaaaa');
    journal('x$(touch pwned)');
    expect(await complete('undo', '')).toEqual(['20261126T090000000Z-aaaaaa']);
    expect(fs.existsSync(path.join(home.home, 'pwned'))).toBe(false);
  });
});

/*
 * Whatever `history --ids` prints, no shell evaluates it: each candidate is a literal word,
 * quoted where the shell inserts it as typed. The tool here is a stand-in that prints
 * candidates which would each create a file if a shell ran them.
 */
const HOSTILE = ['x$(touch pwned1)', '`touch pwned2`', 'a;touch pwned3', "'; touch pwned4; '", 'x\\$(touch pwned5)'];

/**
 * Whether `shell` can run these tests. CI installs zsh and fish and sets
 * ECOTAXA_ACCESS_TEST_SHELLS=required, so that there a missing shell fails the test instead
 * of skipping it; a developer's machine without them skips the two tests.
 */
function hasShell(shell: string): boolean {
  if (process.env['ECOTAXA_ACCESS_TEST_SHELLS'] === 'required') return true;
  try {
    execFileSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('candidates are never evaluated', () => {
  /** A bin/ecotaxa-access that prints the hostile ids for `history --ids`; its scripts as the tool's. */
  async function standIn(): Promise<{ bin: string; scripts: Record<string, string>; env: Record<string, string> }> {
    const bin = path.join(home.home, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    const ids = HOSTILE.map((id) => `'${id.replace(/'/g, "'\\''")}'`).join(' ');
    fs.writeFileSync(
      path.join(bin, 'ecotaxa-access'),
      `#!/bin/sh\nprintf '%s\\n' ${ids} 20261126T090000000Z-aaaaaa\n`,
      {
        mode: 0o755,
      },
    );
    const scripts: Record<string, string> = {};
    for (const shell of ['bash', 'zsh', 'fish']) {
      scripts[shell] = path.join(home.home, `completion.${shell}`);
      fs.writeFileSync(scripts[shell], await script(shell));
    }
    const env = { ...home.env, PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` };
    return { bin, scripts, env };
  }

  const planted = (): string[] => fs.readdirSync(home.home).filter((n) => n.startsWith('pwned'));

  it('bash: each id is quoted for the line, and reads back as itself when the line runs', async () => {
    const { scripts, env } = await standIn();
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        // What the user gets on pressing Enter after choosing each candidate: the word as typed.
        `source '${scripts['bash']}'; COMP_WORDS=(ecotaxa-access undo ''); COMP_CWORD=2; _ecotaxa_access; for c in "\${COMPREPLY[@]}"; do eval "printf '%s\\n' $c"; done`,
      ],
      { env, cwd: home.home, encoding: 'utf8' },
    );
    expect(out.split('\n').filter((l) => l !== '')).toEqual([...HOSTILE, '20261126T090000000Z-aaaaaa']);
    expect(planted()).toEqual([]);
  });

  it('bash: a typed prefix narrows the ids as text, not as a pattern to expand', async () => {
    const { scripts, env } = await standIn();
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `source '${scripts['bash']}'; COMP_WORDS=(ecotaxa-access undo 'x'); COMP_CWORD=2; _ecotaxa_access; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env, cwd: home.home, encoding: 'utf8' },
    );
    expect(out).toBe('x\\$\\(touch\\ pwned1\\)\nx\\\\\\$\\(touch\\ pwned5\\)\n');
    expect(planted()).toEqual([]);
  });

  // zsh and fish run where they are installed (the build machine may have bash only).
  it.runIf(hasShell('zsh'))('zsh: the ids reach compadd as literal words, which it quotes on insertion', async () => {
    const { scripts, env } = await standIn();
    const out = execFileSync(
      'zsh',
      [
        '-f',
        '-c',
        `compdef() { :; }; source '${scripts['zsh']}'; compadd() { printf '<%s>\\n' "$@"; }; words=(ecotaxa-access undo ''); CURRENT=3; _ecotaxa_access`,
      ],
      { env, cwd: home.home, encoding: 'utf8' },
    );
    expect(out).toBe(['-V', 'runs', '--', ...HOSTILE, '20261126T090000000Z-aaaaaa'].map((w) => `<${w}>\n`).join(''));
    expect(planted()).toEqual([]);
  });

  it.runIf(hasShell('fish'))('fish: the ids are offered as they are, none run', async () => {
    const { scripts, env } = await standIn();
    const out = execFileSync('fish', ['-c', `source '${scripts['fish']}'; complete -C'ecotaxa-access undo '`], {
      env,
      cwd: home.home,
      encoding: 'utf8',
    });
    expect(
      out
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual([...HOSTILE, '20261126T090000000Z-aaaaaa'].sort());
    expect(planted()).toEqual([]);
  });
});
