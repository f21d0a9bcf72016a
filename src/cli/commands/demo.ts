import { z } from 'zod';
import type { Context } from '../context.js';
import { parseOptions } from '../options.js';
import type { Invocation } from '../program.js';

export const demoOptionsSchema = z.strictObject({});

/** The command the demo recording answers, run exactly as typed. */
const DEMO_ARGV = ['plan', 'grant', '--all'];

/**
 * demo: `plan grant --all` replayed from fixtures/demo, which is bundled into the binary, so
 * that anyone can watch the main job from any folder, offline, without an account.
 */
export async function run(ctx: Context, _args: string[], options: Record<string, unknown>): Promise<number> {
  parseOptions(demoOptionsSchema, options, 'demo');
  const [
    { buildProgram },
    { createContext },
    { openRecordingsReplay },
    { DEMO_RECORDINGS },
    change,
    { DEFAULT_SERVER_URL },
  ] = await Promise.all([
    import('../program.js'),
    import('../context.js'),
    import('../../recording/replay.js'),
    import('../../recording/demo-recordings.js'),
    import('./change.js'),
    import('../../config/server-url.js'),
  ]);

  // `plan grant --all` as commander gives it to a command, from the command tree itself.
  let invocation: Invocation | undefined;
  await buildProgram(ctx.io, (call) => {
    invocation = call;
    return Promise.resolve();
  }).parseAsync(DEMO_ARGV, { from: 'user' });
  if (invocation === undefined) throw new Error(`internal error: \`${DEMO_ARGV.join(' ')}\` did not parse`);

  ctx.output.info(
    'Demo: a replay of a recorded session of Olivia Owner, an invented owner, on a fake EcoTaxa. Nothing is sent anywhere.',
  );
  // Shown as on EcoTaxa's public server, where an owner would run it; answered by the
  // recording all the same (a replay sends nothing, whatever the host).
  const fixtures = openRecordingsReplay(DEMO_RECORDINGS, {
    label: 'demo',
    from: 'the demo recording',
    argv: DEMO_ARGV,
    server: DEFAULT_SERVER_URL,
  });
  const demo = await createContext(ctx.io, ctx.globals, DEMO_ARGV, fixtures);
  let exitCode = 1;
  try {
    exitCode = await change.run(demo, invocation.args, invocation.options, invocation.name);
  } finally {
    await demo.close(exitCode);
  }
  ctx.output.info('To start for real: `ecotaxa-access login`, then `ecotaxa-access plan grant --all`.');
  return exitCode;
}
