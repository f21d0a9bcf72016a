import { type Command, InvalidArgumentError, Option } from 'commander';
import type { TreeTools } from './program.js';

/*
 * The commands that write (grant, revoke, sync, apply, undo) and their plans (plan grant,
 * plan revoke, plan sync), declared as program.ts declares the others: options and help, no
 * command body.
 */

function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function wholeNumberOrAuto(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number or auto.');
  return Number(value);
}

function addSelectionOptions(cmd: Command, projectFilters: TreeTools['projectFilters']): Command {
  return projectFilters(cmd.option('--all', 'every project where you are explicitly a manager')).option(
    '--pick',
    'on a terminal, choose among the selected projects (default: all you manage) from a list',
  );
}

/** --concurrency and --max-concurrency, on every command that writes. */
function addConcurrencyOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--concurrency <n|auto>',
        'projects written at once: 1 to 32, or auto to adapt to the server (default: config, else auto)',
      ).argParser(wholeNumberOrAuto),
    )
    .addOption(
      new Option('--max-concurrency <n>', 'the most auto may reach, 1 to 32 (default: config, else 8)').argParser(
        wholeNumber,
      ),
    );
}

/** --show-unchanged, on every command that shows a plan (grant, revoke, plan, apply, undo). */
const SHOW_UNCHANGED_HELP = 'list the projects left as they are, not only their count';

/** --dry-run and --yes, on grant, revoke and sync (not on their plan forms). */
function addConfirmOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'show the plan and stop: nothing is written')
    .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)');
}

/** --out, --force and --detailed-exitcode, on every command that makes a plan from a selection or a policy. */
function addPlanOutOptions(cmd: Command): Command {
  return cmd
    .option('--out <file>', 'save the plan to FILE, for `apply FILE` ("-": the plan as JSON on stdout)')
    .option('--force', 'let --out replace FILE even if it is not a plan saved by ecotaxa-access')
    .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending, 1 on error');
}

/** How grant, revoke and sync write: concurrency, and --strict. */
function addWriteOptions(cmd: Command): Command {
  return addConcurrencyOptions(cmd).option(
    '--strict',
    'skip projects whose rights changed since the plan, instead of deciding them again',
  );
}

function addChangeOptions(cmd: Command, kind: 'grant' | 'revoke', mode: 'apply' | 'plan'): Command {
  cmd
    .option(
      '--user <user>',
      'whose right changes: id, exact email or exact name (default: config "user", else aqqua@geomar.de)',
    )
    .option('--right <right>', 'view, annotate or manage', 'view');
  if (kind === 'revoke')
    cmd.option('--any-right', "also remove a right other than --right (never the contact's or the last manager's)");
  cmd.option(
    '--fix-contact',
    'make you the contact of legacy projects EcoTaxa refuses to update otherwise (no contact, an inactive one, or one not a manager)',
  );
  cmd.option('--show-unchanged', SHOW_UNCHANGED_HELP);
  if (mode === 'apply') addConfirmOptions(cmd);
  addPlanOutOptions(cmd);
  if (mode === 'apply') addWriteOptions(cmd);
  return cmd;
}

/** The options of sync and plan sync (README "Sharing as code"). */
function addSyncOptions(cmd: Command, mode: 'apply' | 'plan'): Command {
  if (mode === 'apply') addConfirmOptions(cmd);
  addPlanOutOptions(cmd)
    .addOption(
      new Option('--format <format>', 'text, or markdown for a CI job summary or a pull-request comment').choices([
        'text',
        'markdown',
      ]),
    )
    .option('--show-unchanged', SHOW_UNCHANGED_HELP)
    .option(
      '--allow-mass-revoke',
      'let an authoritative rule take back more than a quarter of the projects where its user holds its right',
    );
  if (mode === 'apply') addWriteOptions(cmd);
  return cmd;
}

const SYNC_HELP = `
The policy (YAML or JSON):
  version: 1
  rules:
    - user: aqqua@geomar.de        # id, exact email or exact name, as --user
      right: view                  # view | annotate | manage
      projects: { instrument: [UVP5HD, UVP5SD, UVP6], exclude: [12, "40-45"] }
      mode: additive               # or authoritative: also take the right back elsewhere
      until: 2027-07-31            # from this day (UTC) the rule takes back what it gives
  Only projects you explicitly manage are ever changed. See the README, "Sharing as code".`;

const SELECTOR_HELP = `
Selectors:
  ids and ranges     101 2001-2010 (also comma-separated)
  --all              every project you explicitly manage (never "everything" for an administrator)
  --title, --instrument, --ids-from, --exclude
  --pick             choose from a list of the selected projects (alone: all you manage)
  At least one selector (or --pick) is required: nothing defaults to every project.`;

/** grant and revoke, then the `plan` group with their plan forms; returns the group (sync adds to it). */
export function addChangeCommands(program: Command, { leaf, group, examples, projectFilters }: TreeTools): Command {
  for (const kind of ['grant', 'revoke'] as const) {
    const verbText = kind === 'grant' ? 'give' : 'take back';
    const command = program
      .command(kind)
      .description(`${verbText} one user's right on many projects: plan, confirm, apply`)
      .argument('[ids...]', 'project ids and ranges');
    leaf(
      addChangeOptions(addSelectionOptions(command, projectFilters), kind, 'apply'),
      kind,
      `${SELECTOR_HELP}\n${examples(
        `${kind} --all --dry-run`,
        `${kind} 101 2001-2010 --yes`,
        `${kind} --ids-from my-projects.csv --user aqqua@geomar.de --right view`,
        `${kind} --all --yes --max-concurrency 4`,
        `${kind} --instrument UVP --pick`,
      )}`,
    );
  }

  const plan = group(
    program.command('plan').description('show what grant, revoke or sync would change, and optionally save it'),
    examples('plan grant --all', 'plan revoke --all --out revoke.plan.json', 'plan sync sharing.yaml'),
  );
  for (const kind of ['grant', 'revoke'] as const) {
    const command = plan
      .command(kind)
      .description(`plan a ${kind} (the same as \`${kind} --dry-run\`)`)
      .argument('[ids...]', 'project ids and ranges');
    leaf(
      addChangeOptions(addSelectionOptions(command, projectFilters), kind, 'plan'),
      `plan ${kind}`,
      `${SELECTOR_HELP}\n${examples(
        `plan ${kind} --all --out ${kind}.plan.json`,
        `plan ${kind} --all --replay fixtures/demo --detailed-exitcode`,
      )}`,
    );
  }
  return plan;
}

/** sync, and plan sync in the `plan` group: one policy file, applied or only planned. */
export function addSyncCommands(program: Command, plan: Command, { leaf, examples }: TreeTools): void {
  const forms = [
    {
      mode: 'apply',
      parent: program,
      description: 'make the rights on your projects what a policy file says: plan, confirm, apply',
      examples: [
        'sync sharing.yaml',
        'sync sharing.yaml --dry-run --detailed-exitcode',
        'sync sharing.yaml --dry-run --format markdown >> "$GITHUB_STEP_SUMMARY"',
        'sync sharing.yaml --yes',
      ],
    },
    {
      mode: 'plan',
      parent: plan,
      description: 'plan a policy file (the same as `sync FILE --dry-run`)',
      examples: [
        'plan sync sharing.yaml --out sync.plan.json',
        'plan sync sharing.yaml --replay fixtures/sync --detailed-exitcode',
      ],
    },
  ] as const;
  for (const form of forms) {
    const command = form.parent
      .command('sync')
      .description(form.description)
      .argument('<file>', 'the policy, YAML or JSON');
    leaf(
      addSyncOptions(command, form.mode),
      form.mode === 'apply' ? 'sync' : 'plan sync',
      `${SYNC_HELP}\n${examples(...form.examples)}`,
    );
  }
}

/** What apply and undo share: --yes (with its help), --strict, concurrency. */
function addRunOptions(cmd: Command, yesHelp: string): Command {
  cmd.option('-y, --yes', yesHelp).option('--strict', 'skip projects whose rights changed since the plan');
  return addConcurrencyOptions(cmd);
}

/** apply (a saved plan) and undo (earlier runs). */
export function addApplyCommands(program: Command, { leaf, examples }: TreeTools): void {
  const apply = program
    .command('apply')
    .description('apply a plan saved with `plan ... --out FILE`')
    .argument('<file>', 'the saved plan');
  leaf(
    addRunOptions(apply, 'apply without asking (required when stdin is not a terminal)').option(
      '--show-unchanged',
      SHOW_UNCHANGED_HELP,
    ),
    'apply',
    examples('apply grant.plan.json', 'apply grant.plan.json --yes --strict'),
  );

  const undo = program
    .command('undo')
    .description('put back what an earlier grant, revoke or apply changed (default: the latest)')
    .argument(
      '[runs...]',
      'run ids (as `history` lists them) or journal files (default: your latest run on this server not undone yet)',
    )
    .option('--dry-run', 'show the plan and stop');
  leaf(
    addRunOptions(undo, 'apply without asking')
      .option('--detailed-exitcode', 'exit 0 when nothing is to change, 2 when changes are pending')
      .option('--show-unchanged', SHOW_UNCHANGED_HELP),
    'undo',
    examples(
      'undo --dry-run',
      'undo --yes',
      'undo 20261126T210741995Z-624591 --yes',
      'undo 20261126T210741995Z-624591 20261127T081502113Z-0c9e4f',
    ),
  );
}
