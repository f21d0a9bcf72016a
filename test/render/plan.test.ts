import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { AQQUA, OWNER, who } from '../support/people.js';
import type { Plan, PlanEntry } from '../../src/plan/model.js';
import { displayWidth } from '../../src/output/table.js';
import { glyphOf } from '../../src/render/glyphs.js';
import { confirmQuestion, planSummaryLine, renderPlan } from '../../src/render/plan.js';

const plain = new Chalk({ level: 0 });

const caller = who(OWNER);
const user = who(AQQUA);

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
  it('shows the header, the changes and skips, a count of the unchanged, the notes, and the summary last', () => {
    const text = renderPlan(
      plan(
        { action: 'grant', right: 'Annotate' },
        [add, upgrade, same, skipped],
        ['an update drops the rights of inactive accounts'],
      ),
      { color: plain },
    );
    expect(text).toBe(
      [
        'Server:  https://ecotaxa.obs-vlfr.fr/api',
        'You:     Olivia Owner <owner@example.org> (#9)',
        'User:    AqQua <aqqua@geomar.de> (#10)',
        'Action:  grant Annotate',
        '',
        '     ID  TITLE                        CHANGE',
        '  +   1  Kiel Fjord zooplankton 2019  none → Annotate',
        '  ~  12  Boknis Eck                   View → Annotate',
        '  !   4  Bornholm (legacy contact)    skipped: its contact is not a manager',
        '  = 1 project unchanged (AqQua already has Annotate or higher); --show-unchanged lists them',
        '',
        'Note: an update drops the rights of inactive accounts',
        'Plan: 2 to grant, 1 unchanged, 1 skipped.',
      ].join('\n'),
    );
  });

  it('--show-unchanged lists the unchanged projects in plan order instead of counting them', () => {
    const text = renderPlan(plan({ action: 'grant', right: 'Annotate' }, [add, same, skipped]), {
      color: plain,
      showUnchanged: true,
    });
    expect(text.split('\n').slice(5)).toEqual([
      '      ID  TITLE                        CHANGE',
      '  +    1  Kiel Fjord zooplankton 2019  none → Annotate',
      '  =  300  Gotland                      unchanged: already has Manage, higher than Annotate (never downgraded)',
      '  !    4  Bornholm (legacy contact)    skipped: its contact is not a manager',
      '',
      'Plan: 1 to grant, 1 unchanged, 1 skipped.',
    ]);
  });

  it('with nothing but unchanged projects, shows the count line alone, without a table', () => {
    const many = Array.from({ length: 40 }, (_, i): PlanEntry => ({ ...same, projid: i + 1 }));
    expect(
      renderPlan(plan({ action: 'grant', right: 'View' }, many), { color: plain })
        .split('\n')
        .slice(4),
    ).toEqual([
      '',
      '  = 40 projects unchanged (AqQua already has View or higher); --show-unchanged lists them',
      '',
      'No changes. 40 unchanged, 0 skipped.',
    ]);
  });

  it('shows a removal with "-", describes revoke --any-right, and says why revokes leave projects alone', () => {
    const none: PlanEntry = {
      ...same,
      projid: 8,
      decision: { kind: 'unchanged', current: null, reason: 'has no right' },
    };
    const higher: PlanEntry = {
      ...same,
      projid: 9,
      decision: {
        kind: 'unchanged',
        current: 'Annotate',
        reason: 'has Annotate, not View (--any-right would remove it)',
      },
    };
    const text = renderPlan(plan({ action: 'revoke', right: 'View', anyRight: false }, [removal, none, higher, none]), {
      color: plain,
    });
    expect(text.split('\n').slice(3)).toEqual([
      'Action:  revoke View',
      '',
      '     ID  TITLE      CHANGE',
      '  -   7  Helgoland  View → none',
      '  = 3 projects unchanged (2: AqQua has no right there; 1: AqQua has a right other than View, which --any-right removes); --show-unchanged lists them',
      '',
      'Plan: 1 to revoke, 3 unchanged, 0 skipped.',
    ]);
    expect(
      renderPlan(plan({ action: 'revoke', right: 'View', anyRight: true }, [removal]), { color: plain }),
    ).toContain('Action:  revoke View (or any other right: --any-right)');
  });

  it('gives titles their width and wraps the reason under its row, indented, at 80 columns', () => {
    const legacy: PlanEntry = {
      projid: 8,
      title: 'Bornholm Basin larval fish (legacy contact)',
      fingerprint: 'f8',
      decision: {
        kind: 'skip',
        code: 'contact-not-manager',
        current: null,
        reason:
          'EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager; fix the contact in the web UI, or add --fix-contact',
      },
    };
    const p = plan({ action: 'grant', right: 'View' }, [
      { ...add, decision: { kind: 'change', from: null, to: 'View' } },
      legacy,
    ]);
    const lines = renderPlan(p, { color: plain, width: 80 }).split('\n');
    expect(lines.slice(5, 14)).toEqual([
      '     ID  TITLE                                        CHANGE',
      '  +   1  Kiel Fjord zooplankton 2019                  none → View',
      '  !   8  Bornholm Basin larval fish (legacy contact)  skipped: EcoTaxa refuses',
      '                                                      to update this legacy',
      '                                                      project: its contact Carl',
      '                                                      Colleague is not a',
      '                                                      manager; fix the contact',
      '                                                      in the web UI, or add',
      '                                                      --fix-contact',
    ]);
    for (const line of lines.slice(5, 14)) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    // At 160 columns, the title stays whole and the reason takes two lines, not seven.
    expect(renderPlan(p, { color: plain, width: 160 }).split('\n').slice(7, 9)).toEqual([
      '  !   8  Bornholm Basin larval fish (legacy contact)  skipped: EcoTaxa refuses to update this legacy project: its contact Carl Colleague is not a manager; fix',
      '                                                      the contact in the web UI, or add --fix-contact',
    ]);
  });

  it('shortens titles only when the reason column is down to its narrowest, and not without a width', () => {
    const long = { ...add, title: 'A very long project title that would not fit on any narrow terminal at all' };
    const p = plan({ action: 'grant', right: 'Annotate' }, [long, upgrade]);
    const narrow = renderPlan(p, { color: plain, width: 80 }).split('\n');
    const row = narrow.find((l) => l.startsWith('  +'));
    expect(row).toBe('  +   1  A very long project title that would not fit on any n…  none → Annotate');
    expect(displayWidth(row ?? '')).toBe(80);
    expect(renderPlan(p, { color: plain }).split('\n')).toContain(
      '  +   1  A very long project title that would not fit on any narrow terminal at all  none → Annotate',
    );
  });

  it('keeps CJK and emoji titles aligned', () => {
    const cjk = { ...add, projid: 2, title: '东海浮游动物调查 2019' };
    const emoji = { ...upgrade, projid: 3, title: '🦐 Krill larvae 🦑' };
    expect(
      renderPlan(plan({ action: 'grant', right: 'Annotate' }, [cjk, emoji, add]), { color: plain, width: 80 })
        .split('\n')
        .slice(5, 9),
    ).toEqual([
      '     ID  TITLE                        CHANGE',
      '  +   2  东海浮游动物调查 2019        none → Annotate',
      '  ~   3  🦐 Krill larvae 🦑           View → Annotate',
      '  +   1  Kiel Fjord zooplankton 2019  none → Annotate',
    ]);
  });

  it('shows a contact that --fix-contact sets as its own line under its project', () => {
    const noContact: PlanEntry = {
      projid: 9,
      title: 'North Sea herring larvae 2008 (no contact)',
      fingerprint: 'f9',
      decision: { kind: 'change', from: null, to: 'View', contact: { from: null, to: caller } },
    };
    const legacy: PlanEntry = {
      projid: 8,
      title: 'Bornholm Basin larval fish',
      fingerprint: 'f8',
      decision: {
        kind: 'change',
        from: null,
        to: 'View',
        contact: { from: { id: 11, name: 'Carl Colleague', email: 'c@example.org' }, to: caller },
      },
    };
    const p = { ...plan({ action: 'grant', right: 'View' }, [legacy, noContact]), fixContact: true };
    expect(renderPlan(p, { color: plain }).split('\n').slice(5)).toEqual([
      '     ID  TITLE                                       CHANGE',
      '  +   8  Bornholm Basin larval fish                  none → View',
      '  ~      contact: Carl Colleague → you (Olivia Owner)',
      '  +   9  North Sea herring larvae 2008 (no contact)  none → View',
      '  ~      contact: none → you (Olivia Owner)',
      '',
      'Plan: 2 to grant, 2 contacts to set, 0 unchanged, 0 skipped.',
    ]);
  });

  it('adds USER and RULE columns only when the plan is about several users', () => {
    const colleague = { id: 11, email: 'colleague@example.org', name: 'Carl Colleague' };
    const entries: PlanEntry[] = [
      { ...add, decision: { kind: 'change', from: null, to: 'View' }, rule: 'aqqua-view' },
      { ...add, user: colleague, operation: { action: 'grant', right: 'Annotate' }, rule: 'team' },
    ];
    const text = renderPlan(plan({ action: 'grant', right: 'View' }, entries), { color: plain });
    expect(text.split('\n').slice(2)).toEqual([
      'Users:   AqQua <aqqua@geomar.de> (#10), Carl Colleague <colleague@example.org> (#11)',
      'Action:  grant View',
      '',
      '     ID  TITLE                        USER            RULE        CHANGE',
      '  +   1  Kiel Fjord zooplankton 2019  AqQua           aqqua-view  none → View',
      '  +   1  Kiel Fjord zooplankton 2019  Carl Colleague  team        none → Annotate',
      '',
      'Plan: 2 to grant, 0 unchanged, 0 skipped.',
    ]);
  });

  it('uses no escape codes at colour level 0 and some at level 1', () => {
    const p = plan({ action: 'grant', right: 'Annotate' }, [add, skipped]);
    // eslint-disable-next-line no-control-regex
    expect(renderPlan(p, { color: plain })).not.toMatch(/\u001b\[/);
    // eslint-disable-next-line no-control-regex
    expect(renderPlan(p, { color: new Chalk({ level: 1 }) })).toMatch(/\u001b\[/);
  });
});

describe('renderPlan in colour', () => {
  it('colours each glyph and change by what it does, a contact change as a change, unchanged lines dim', () => {
    const c = new Chalk({ level: 1 });
    const contact: PlanEntry = {
      ...add,
      projid: 2,
      title: 'Kiel',
      decision: {
        kind: 'change',
        from: null,
        to: 'Annotate',
        contact: { from: null, to: { id: 9, name: 'Olivia Owner', email: 'owner@example.org' } },
      },
    };
    const p = plan({ action: 'grant', right: 'Annotate' }, [add, contact, upgrade, removal, same, skipped]);
    const lines = renderPlan(p, { color: c, showUnchanged: true }).split('\n');
    expect(lines.slice(5, 14)).toEqual([
      `  ${c.bold(' ')}   ${c.bold('ID')}  ${c.bold('TITLE')}                        ${c.bold('CHANGE')}`,
      `  ${c.green('+')}    1  Kiel Fjord zooplankton 2019  ${c.green('none → Annotate')}`,
      `  ${c.green('+')}    2  Kiel                         ${c.green('none → Annotate')}`,
      `  ${c.yellow('~')}       contact: none → you (Olivia Owner)`,
      `  ${c.yellow('~')}   12  Boknis Eck                   ${c.yellow('View → Annotate')}`,
      `  ${c.red('-')}    7  Helgoland                    ${c.red('View → none')}`,
      `  ${c.dim('=')}  ${c.dim('300')}  ${c.dim('Gotland')}                      ${c.dim('unchanged: already has Manage, higher than Annotate (never downgraded)')}`,
      `  ${c.magenta('!')}    4  Bornholm (legacy contact)    ${c.magenta('skipped: its contact is not a manager')}`,
      '',
    ]);
  });
});

describe('confirmQuestion', () => {
  const many = (n: number, entry: PlanEntry): PlanEntry[] =>
    Array.from({ length: n }, (_, i) => ({ ...entry, projid: i + 1 }));
  it.each([
    [
      'a grant, with the count of projects',
      plan({ action: 'grant', right: 'View' }, [...many(276, add), same]),
      'Grant View to AqQua <aqqua@geomar.de> on 276 projects at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'one project',
      plan({ action: 'grant', right: 'Annotate' }, [add]),
      'Grant Annotate to AqQua <aqqua@geomar.de> on 1 project at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'a revoke',
      plan({ action: 'revoke', right: 'View', anyRight: false }, many(26, removal)),
      'Revoke View from AqQua <aqqua@geomar.de> on 26 projects at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'a revoke of any right',
      plan({ action: 'revoke', right: 'View', anyRight: true }, [removal]),
      'Revoke View (or any other right) from AqQua <aqqua@geomar.de> on 1 project at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'an undo',
      plan({ action: 'restore', journal: '20261126T210743590Z-9ed6af' }, many(26, removal)),
      'Undo run 20261126T210743590Z-9ed6af: put back 26 rights at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'an undo of two runs, one right',
      plan({ action: 'restore', journal: 'run-a,run-b' }, [removal]),
      'Undo runs run-a, run-b: put back 1 right at https://ecotaxa.obs-vlfr.fr/api?',
    ],
    [
      'contacts to set',
      plan({ action: 'grant', right: 'View' }, [
        add,
        {
          ...add,
          projid: 2,
          decision: { kind: 'change', from: null, to: 'View', contact: { from: null, to: caller } },
        },
      ]),
      'Grant View to AqQua <aqqua@geomar.de> on 2 projects, and make you the contact of 1, at https://ecotaxa.obs-vlfr.fr/api?',
    ],
  ])('%s', (_name, p, question) => {
    expect(confirmQuestion(p)).toBe(question);
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
