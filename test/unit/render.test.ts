import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/plan-document.js';
import type { PlanEntry } from '../../src/plan/planner.js';
import { glyphOf, planSummaryLine, renderPlan } from '../../src/plan/render.js';

const plain = new Chalk({ level: 0 });

const caller = { id: 9, email: 'owner@example.org', name: 'Olivia Owner' };
const user = { id: 10, email: 'aqqua@geomar.de', name: 'AqQua' };

const add: PlanEntry = {
  projid: 1,
  title: 'Kiel Fjord zooplankton 2019',
  fingerprint: 'f1',
  decision: { kind: 'change', from: null, to: 'Annotate' },
};
const upgrade: PlanEntry = {
  projid: 12,
  title: 'Boknis Eck',
  fingerprint: 'f2',
  decision: { kind: 'change', from: 'View', to: 'Annotate' },
};
const same: PlanEntry = {
  projid: 300,
  title: 'Gotland',
  fingerprint: 'f3',
  decision: {
    kind: 'unchanged',
    current: 'Manage',
    reason: 'already has Manage, higher than Annotate (never downgraded)',
  },
};
const skipped: PlanEntry = {
  projid: 4,
  title: 'Bornholm (legacy contact)',
  fingerprint: 'f4',
  decision: { kind: 'skip', code: 'contact-not-manager', current: null, reason: 'its contact is not a manager' },
};
const removal: PlanEntry = {
  projid: 7,
  title: 'Helgoland',
  fingerprint: 'f5',
  decision: { kind: 'change', from: 'View', to: null },
};

function plan(operation: Plan['operation'], entries: PlanEntry[], notes: string[] = []): Plan {
  return {
    createdAt: new Date('2026-01-15T10:00:00Z'),
    server: 'https://ecotaxa.obs-vlfr.fr/api',
    caller,
    user,
    operation,
    entries,
    notes,
  };
}

describe('renderPlan (no colour)', () => {
  it('shows the header, one line per project with its glyph, the summary and the notes', () => {
    const text = renderPlan(
      plan(
        { action: 'grant', right: 'Annotate' },
        [add, upgrade, same, skipped],
        ['an update drops the rights of inactive accounts'],
      ),
      {
        color: plain,
      },
    );
    expect(text).toBe(
      [
        'Server:  https://ecotaxa.obs-vlfr.fr/api',
        'You:     Olivia Owner <owner@example.org> (#9)',
        'User:    AqQua <aqqua@geomar.de> (#10)',
        'Action:  grant Annotate',
        '',
        '      ID  TITLE                        CHANGE',
        '  +    1  Kiel Fjord zooplankton 2019  none → Annotate',
        '  ~   12  Boknis Eck                   View → Annotate',
        '  =  300  Gotland                      unchanged: already has Manage, higher than Annotate (never downgraded)',
        '  !    4  Bornholm (legacy contact)    skipped: its contact is not a manager',
        '',
        'Plan: 2 to grant, 1 unchanged, 1 skipped.',
        'Note: an update drops the rights of inactive accounts',
      ].join('\n'),
    );
  });

  it('shows a removal with "-" and describes revoke --any-right', () => {
    const text = renderPlan(plan({ action: 'revoke', right: 'View', anyRight: true }, [removal, same]), {
      color: plain,
    });
    expect(text).toBe(
      [
        'Server:  https://ecotaxa.obs-vlfr.fr/api',
        'You:     Olivia Owner <owner@example.org> (#9)',
        'User:    AqQua <aqqua@geomar.de> (#10)',
        'Action:  revoke View (or any other right: --any-right)',
        '',
        '      ID  TITLE      CHANGE',
        '  -    7  Helgoland  View → none',
        '  =  300  Gotland    unchanged: already has Manage, higher than Annotate (never downgraded)',
        '',
        'Plan: 1 to revoke, 1 unchanged, 0 skipped.',
      ].join('\n'),
    );
  });

  it('truncates titles with "…" to fit a given width, and not without one', () => {
    const long = { ...add, title: 'A very long project title that would not fit on any narrow terminal at all' };
    const p = plan({ action: 'grant', right: 'Annotate' }, [long, upgrade]);
    const narrow = renderPlan(p, { color: plain, width: 80 }).split('\n');
    const row = narrow.find((l) => l.startsWith('  +'));
    expect(row).toBe('  +   1  A very long project title that would not fit on any n…  none → Annotate');
    expect([...(row ?? '')].length).toBe(80);
    expect(renderPlan(p, { color: plain }).split('\n')).toContain(
      '  +   1  A very long project title that would not fit on any narrow terminal at all  none → Annotate',
    );
  });

  it('uses no escape codes at colour level 0 and some at level 1', () => {
    const p = plan({ action: 'grant', right: 'Annotate' }, [add, skipped]);
    // eslint-disable-next-line no-control-regex
    expect(renderPlan(p, { color: plain })).not.toMatch(/\u001b\[/);
    // eslint-disable-next-line no-control-regex
    expect(renderPlan(p, { color: new Chalk({ level: 1 }) })).toMatch(/\u001b\[/);
  });
});

describe('glyphOf', () => {
  it.each([
    ['+', add],
    ['~', upgrade],
    ['-', removal],
    ['=', same],
    ['!', skipped],
  ])('%s', (glyph, entry) => {
    expect(glyphOf(entry)).toBe(glyph);
  });
});

describe('planSummaryLine', () => {
  it.each([
    [
      'grant',
      plan({ action: 'grant', right: 'View' }, [add, upgrade, same, skipped]),
      'Plan: 2 to grant, 1 unchanged, 1 skipped.',
    ],
    ['no changes', plan({ action: 'grant', right: 'View' }, [same, same, same]), 'No changes. 3 unchanged, 0 skipped.'],
    ['nothing at all', plan({ action: 'grant', right: 'View' }, []), 'No changes. 0 unchanged, 0 skipped.'],
    [
      'revoke',
      plan({ action: 'revoke', right: 'View', anyRight: false }, [removal, skipped, skipped]),
      'Plan: 1 to revoke, 0 unchanged, 2 skipped.',
    ],
    [
      'restore',
      plan({ action: 'restore', journal: 'j1' }, [removal, add, same]),
      'Plan: 2 to restore, 1 unchanged, 0 skipped.',
    ],
  ])('%s', (_name, p, line) => {
    expect(planSummaryLine(p)).toBe(line);
  });
});
