import { describe, expect, it } from 'vitest';
import { ForeignJournalError, checkRunIds } from '../../src/store/run-id.js';
import { caught } from '../support/caught.js';

/*
 * Which run ids a journal's run line may carry: only the exact form the tool writes, since
 * completion offers them to the shell. Reading whole journals is in journal-read.test.ts.
 */

const RA = '20261127T100000000Z-aaaaaa';
const RB = '20261127T110000000Z-bbbbbb';

/** Why checkRunIds refuses a run line with these ids (a foreign journal, left out; not a damaged one). */
function refusal(line: object): string {
  const err = caught(() => checkRunIds(line, 'j.jsonl'));
  expect(err).toBeInstanceOf(ForeignJournalError);
  return err.message;
}

const says = (shown: string): string =>
  `j.jsonl is not a journal of ecotaxa-access (it has ${shown}, not one this tool writes)`;

describe('checkRunIds', () => {
  it('takes the ids the tool writes: its own, the runs it undoes (one or several), the run it finishes', () => {
    expect(() => checkRunIds({ type: 'run', runId: RA }, 'j.jsonl')).not.toThrow();
    expect(() => checkRunIds({ type: 'run', runId: RB, undoes: RA, continues: RA }, 'j.jsonl')).not.toThrow();
    expect(() => checkRunIds({ type: 'run', runId: RB, undoes: [RA, RA] }, 'j.jsonl')).not.toThrow();
  });

  it('refuses a run id with anything before or after it', () => {
    expect(refusal({ runId: `x${RA}` })).toBe(says(`the run id "x${RA}"`));
    expect(refusal({ runId: `${RA}\n` })).toBe(says(`the run id "${RA}\\n"`));
  });

  it('refuses a single run undone that is not a run id, as one in a list', () => {
    expect(refusal({ runId: RB, undoes: 'r1' })).toBe(says('the run id "r1"'));
    expect(refusal({ runId: RB, undoes: [RA, 7] })).toBe(says('the run id 7'));
  });

  it('refuses what is not a string, even one that reads as a run id when made text', () => {
    expect(refusal({ runId: [RA] })).toBe(says(`the run id ["${RA}"]`));
    expect(refusal({ runId: RB, undoes: [[RA]] })).toBe(says(`the run id ["${RA}"]`));
  });

  it('says when there is no run id at all', () => {
    expect(refusal({ type: 'run', undoes: [RA] })).toBe(says('no run id'));
  });

  it('shows no more than the first 60 characters of a long one', () => {
    const long = 'a'.repeat(100);
    expect(refusal({ runId: long })).toBe(says(`the run id "${'a'.repeat(59)}`));
  });
});
