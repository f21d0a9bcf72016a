import type { Context } from '../context.js';

/** The command the demo recording answers, run exactly as typed. */
const DEMO_ARGV = ['plan', 'grant', '--all'];

/**
 * demo: `plan grant --all` replayed from fixtures/demo, which is bundled into the binary, so
 * that anyone can watch the main job from any folder, offline, without an account.
 */
export async function run(ctx: Context): Promise<number> {
  const [{ buildProgram }, { createContext }, { openRecordingsReplay }, { DEMO_RECORDINGS }, change] =
    await Promise.all([
      import('../program.js'),
      import('../context.js'),
      import('../../recording/replay.js'),
      import('../../recording/demo-recordings.js'),
      import('./change.js'),
    ]);

  // The options commander gives `plan grant --all`, from the command tree itself.
  let parsed: { args: string[]; options: Record<string, unknown> } | undefined;
  await buildProgram(ctx.io, (name, args, command) => {
    parsed = { args, options: { ...command.opts(), command: name } };
    return Promise.resolve();
  }).parseAsync(DEMO_ARGV, { from: 'user' });
  if (parsed === undefined) throw new Error(`internal error: \`${DEMO_ARGV.join(' ')}\` did not parse`);

  ctx.output.info(
    'Demo: a replay of a recorded session of Olivia Owner, an invented owner, on a fake EcoTaxa. Nothing is sent anywhere.',
  );
  const fixtures = openRecordingsReplay(DEMO_RECORDINGS, {
    label: 'demo',
    from: 'the demo recording',
    argv: DEMO_ARGV,
  });
  const demo = await createContext(ctx.io, ctx.globals, DEMO_ARGV, fixtures);
  let exitCode = 1;
  try {
    exitCode = await change.run(demo, parsed.args, parsed.options);
  } finally {
    await demo.close(exitCode);
  }
  ctx.output.info('To start for real: `ecotaxa-access login`, then `ecotaxa-access plan grant --all`.');
  return exitCode;
}
