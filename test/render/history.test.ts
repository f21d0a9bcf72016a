import { describe, expect, it } from 'vitest';
import { type HistoryEntry, historySummary, renderHistory } from '../../src/render/history.js';
import { AQQUA, OWNER, who } from '../support/people.js';

/*
 * The history table as wide as the terminal allows. Its entries are what `history` builds
 * from a morning's journals (test/cli/history.test.ts): a grant interrupted and finished by a
 * re-run, undone, then redone.
 */

const G1 = '20261126T090000000Z-aaaaaa';
const U1 = '20261126T100000000Z-cccccc';
const R1 = '20261126T110000000Z-dddddd';

function entry(id: string, more: Partial<HistoryEntry>): HistoryEntry {
  const startedAt = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:00.000Z`;
  return {
    id,
    startedAt,
    server: 'https://ecotaxa.obs-vlfr.fr/api',
    command: 'grant --all',
    caller: who(OWNER),
    byYou: true,
    users: [who(AQQUA)],
    counts: { applied: 3, failed: 0, skipped: 0, unconfirmed: 0, notStarted: 0 },
    complete: true,
    undoes: [],
    undoneBy: null,
    undone: false,
    runs: [{ id, startedAt, journal: `${id}.jsonl` }],
    ...more,
  };
}

describe('the history table on a narrow terminal', () => {
  const entries = (): HistoryEntry[] => [
    entry(U1, { command: `undo ${G1}`, undoes: [G1], undoneBy: R1, undone: true }),
    entry(G1, {
      counts: { applied: 3, failed: 0, skipped: 3, unconfirmed: 0, notStarted: 0 },
      undoneBy: U1,
      runs: [
        { id: G1, startedAt: '', journal: '' },
        { id: 'b', startedAt: '', journal: '' },
      ],
    }),
  ];

  it('at 80 columns shows each run as a block: nothing cut, ids whole', () => {
    const text = renderHistory(entries(), { width: 80, allServers: false });
    expect(text.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    expect(text).toBe(
      [
        `${U1}  2026-11-26 10:00 UTC  by you`,
        `    undo ${G1} (AqQua): 3 applied`,
        `    undone by ${R1}`,
        `${G1}  2026-11-26 09:00 UTC  by you`,
        '    grant --all (AqQua): 3 applied, 3 skipped',
        `    2 runs; undone by ${U1}, then redone`,
      ].join('\n'),
    );
  });

  it('at 160 columns keeps one line per run, its notes under it when they would not fit beside', () => {
    const text = renderHistory(entries(), { width: 160, allServers: false });
    expect(text).toBe(
      [
        'RUN                         STARTED (UTC)     BY   USER   COMMAND                          RESULT',
        `${U1}  2026-11-26 10:00  you  AqQua  undo ${G1}  3 applied`,
        `    undone by ${R1}`,
        `${G1}  2026-11-26 09:00  you  AqQua  grant --all                      3 applied, 3 skipped`,
        `    2 runs; undone by ${U1}, then redone`,
      ].join('\n'),
    );
    // With room, the notes go beside.
    expect(renderHistory(entries(), { width: 190, allServers: false }).split('\n')).toHaveLength(3);
  });
});

describe('historySummary', () => {
  it('counts the runs listed, and says how to undo one', () => {
    expect(historySummary(1, 'any server')).toBe(
      '1 run on any server, newest first. `ecotaxa-access undo RUN` undoes one.',
    );
    expect(historySummary(2, 'https://ecotaxa.obs-vlfr.fr/api')).toBe(
      '2 runs on https://ecotaxa.obs-vlfr.fr/api, newest first. `ecotaxa-access undo RUN` undoes one.',
    );
  });
});
