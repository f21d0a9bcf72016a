import { describe, expect, it } from 'vitest';
import { AuthenticationError, TimeoutError } from '../../src/api/errors.js';
import { checkToken, createApplyRun } from '../../src/apply/apply-run.js';
import { request } from '../support/scripted-client.js';
import { setup } from '../support/apply-setup.js';

/*
 * The state a run shares between its projects: here, asking whether the token is still good
 * when a read looks anonymous. What a project does with the answer is in project.test.ts.
 */

const ME = request('GET', '/users/me');

describe('checkToken', () => {
  it('says good when EcoTaxa answers, or when there is no way to ask (a replay)', async () => {
    const answered = createApplyRun(setup([], { checkToken: () => Promise.resolve({}) }).options);
    expect(await checkToken(answered)).toStrictEqual({ kind: 'good' });
    const replay = createApplyRun(setup([], { checkToken: undefined }).options);
    expect(await checkToken(replay)).toStrictEqual({ kind: 'good' });
    expect(answered.fatal).toBeUndefined();
  });

  it('says rejected when EcoTaxa rejects the token, and stops every new write', async () => {
    const run = createApplyRun(setup([], { checkToken: () => Promise.reject(new AuthenticationError(ME)) }).options);
    expect(await checkToken(run)).toStrictEqual({ kind: 'rejected' });
    expect(run.fatal).toBe(
      `EcoTaxa at ${ME.server} rejected your token (invalid or expired): run \`ecotaxa-access login\``,
    );
  });

  it('says unknown, with the error, when the check fails otherwise: nothing is stopped', async () => {
    const timeout = new TimeoutError(ME, 1000);
    const run = createApplyRun(setup([], { checkToken: () => Promise.reject(timeout) }).options);
    expect(await checkToken(run)).toStrictEqual({ kind: 'unknown', error: timeout });
    expect(run.fatal).toBeUndefined();
  });
});
