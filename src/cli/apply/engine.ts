import type { MinUser } from '../../api/schemas.js';
import type { ConcurrencySetting } from '../../config/settings.js';
import { type ConcurrencyLimit, adaptiveLimit, fixedLimit } from '../../apply/concurrency-limit.js';
import { type ApplyReport, applyPlan } from '../../apply/run.js';
import type { Plan } from '../../plan/model.js';
import { progressLine } from '../../render/progress.js';
import type { JournalWriter } from '../../store/journal.js';
import type { Context } from '../context.js';
import { describeError } from '../error-advice.js';
import type { Session } from '../session.js';

const ACTION: Record<Plan['operation']['action'], string> = {
  grant: 'Granting',
  revoke: 'Revoking',
  restore: 'Restoring',
  sync: 'Applying',
};

/** How many projects are written at once: a fixed number, or adapting to the server's latency. */
function concurrencyLimit(setting: ConcurrencySetting): ConcurrencyLimit {
  return setting.mode === 'fixed' ? fixedLimit(setting.n) : adaptiveLimit({ max: setting.max });
}

export interface EngineInput {
  session: Session;
  plan: Plan;
  /** Every user of the plan, as EcoTaxa returned them. */
  users: ReadonlyMap<number, MinUser>;
  journal: JournalWriter;
  concurrency: ConcurrencySetting;
  strict: boolean;
  /** How many changes the plan makes: the progress bar's length. */
  changes: number;
}

/** Runs the engine on the plan, with a progress bar, Ctrl-C and the caller's token check wired in. */
export async function runEngine(ctx: Context, input: EngineInput): Promise<ApplyReport> {
  const { session, plan } = input;
  const output = ctx.output;
  const bar = output.progressBar(input.changes, (p, ms, width) =>
    progressLine(ACTION[plan.operation.action], p, ms, width),
  );
  ctx.writePhase.active = true;
  const concurrency = concurrencyLimit(input.concurrency);
  let limit = concurrency.limit;
  try {
    return await applyPlan({
      client: session.client,
      plan,
      users: input.users,
      concurrency,
      strict: input.strict,
      journal: input.journal,
      sleep: ctx.sleep,
      random: ctx.io.random,
      signal: ctx.io.interrupt,
      checkToken: () => session.client.me(),
      describeError,
      onProgress: (p) => {
        bar.update(p);
        if (p.limit !== limit)
          output.debug(`concurrency: ${limit} → ${p.limit} project${p.limit === 1 ? '' : 's'} at once`);
        limit = p.limit;
      },
    });
  } finally {
    ctx.writePhase.active = false;
    bar.stop();
  }
}
