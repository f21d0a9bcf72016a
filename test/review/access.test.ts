import { describe, expect, it } from 'vitest';
import type { MinUser, Project } from '../../src/api/schemas.js';
import { accessMarkdown } from '../../src/render/access-formats.js';
import { type AccessReport, DATA_CONSUMER_ABOVE, emailDomain, reviewAccess } from '../../src/review/access.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

/*
 * access, pure: members of projects → one row per person, one per project, and the findings
 * worth an owner's attention.
 */

const FAR: MinUser = { id: 30, email: 'dana@far-away.example', name: 'Dana Data', organisation: 'Far Lab' };

function people(report: AccessReport): string[] {
  return report.people.map(
    (p) =>
      `${p.user.name} ${p.highest} M[${p.projects.Manage.join(' ')}] A[${p.projects.Annotate.join(' ')}] V[${p.projects.View.join(' ')}] C[${p.contactOf.join(' ')}]`,
  );
}

function findings(report: AccessReport): string[] {
  return report.attention.map(
    (a) => `${a.kind} ${a.user?.name ?? '-'} ${a.projects.join(' ')}${a.domain === null ? '' : ` @${a.domain}`}`,
  );
}

describe('reviewAccess', () => {
  it('one row per person, you left out, highest right first, then the most projects', () => {
    const projects = [
      project({ projid: 3, viewers: [USER, THIRD] }),
      project({ projid: 1, annotators: [OTHER], viewers: [USER] }),
      project({ projid: 2, managers: [CALLER, OTHER], contact: OTHER, viewers: [USER] }),
    ];
    const report = reviewAccess({ projects, caller: CALLER });
    expect(people(report)).toEqual([
      'Carl Colleague Manage M[2] A[1] V[] C[2]',
      'AqQua View M[] A[] V[1 2 3] C[]',
      'Victor Villefranche View M[] A[] V[3] C[]',
    ]);
    expect(report.projects.map((p) => `${p.projid} ${p.members.Manage.map((m) => m.name).join(',')}`)).toEqual([
      '1 ',
      '2 Carl Colleague',
      '3 ',
    ]);
  });

  it('a user listed twice (inconsistent data) counts once, at the higher right', () => {
    const report = reviewAccess({ projects: [project({ annotators: [USER], viewers: [USER] })], caller: CALLER });
    expect(people(report)).toEqual(['AqQua Annotate M[] A[101] V[] C[]']);
  });

  it('flags other managers, members from another domain, likely data consumers and contact problems', () => {
    const consumer = Array.from({ length: DATA_CONSUMER_ABOVE + 1 }, (_, i) =>
      project({ projid: 10 + i, viewers: [FAR] }),
    );
    const projects = [
      ...consumer,
      // A colleague from the owner's domain manages 2; AqQua's domain is another one.
      project({ projid: 2, managers: [CALLER, OTHER], viewers: [USER] }),
      // With another manager from geomar.de, AqQua's domain is a known one there.
      project({ projid: 3, managers: [CALLER, { ...THIRD, email: 'x@GEOMAR.de' }], viewers: [USER] }),
      project({ projid: 4, contact: null }),
      project({ projid: 5, annotators: [OTHER], contact: OTHER }),
    ];
    const report = reviewAccess({ projects, caller: CALLER });
    expect(findings(report)).toEqual([
      'other-manager Carl Colleague 2',
      'other-manager Victor Villefranche 3',
      'other-domain Victor Villefranche 3 @geomar.de',
      'other-domain Dana Data 10 11 12 13 14 15 @far-away.example',
      'other-domain AqQua 2 @geomar.de',
      'data-consumer Dana Data 10 11 12 13 14 15',
      'no-contact - 4',
      'contact-not-manager Carl Colleague 5',
    ]);
  });

  it(`a data consumer holds a right on more than ${DATA_CONSUMER_ABOVE} projects and manages none`, () => {
    const on = (n: number, manager = false): Project[] =>
      Array.from({ length: n }, (_, i) =>
        project({ projid: i + 1, viewers: [FAR], managers: manager && i === 0 ? [CALLER, OTHER] : [CALLER] }),
      );
    const kinds = (projects: Project[]): string[] =>
      reviewAccess({ projects, caller: CALLER }).attention.map((a) => a.kind);
    expect(kinds(on(DATA_CONSUMER_ABOVE))).not.toContain('data-consumer');
    expect(kinds(on(DATA_CONSUMER_ABOVE + 1))).toContain('data-consumer');
    const managing = [...on(DATA_CONSUMER_ABOVE + 1), project({ projid: 99, managers: [CALLER, FAR] })];
    expect(kinds(managing)).not.toContain('data-consumer');
  });

  it('--user and --right narrow the rows, the projects and the findings alike', () => {
    const projects = [
      project({ projid: 1, annotators: [OTHER], viewers: [USER] }),
      project({ projid: 2, managers: [CALLER, OTHER], viewers: [USER] }),
      project({ projid: 3, viewers: [THIRD], contact: null }),
    ];
    const byUser = reviewAccess({ projects, caller: CALLER, userId: USER.id });
    expect(people(byUser)).toEqual(['AqQua View M[] A[] V[1 2] C[]']);
    expect(byUser.projects.map((p) => p.projid)).toEqual([1, 2]);
    expect(byUser.projects[0]?.members.Annotate).toEqual([]);
    expect(findings(byUser)).toEqual(['other-domain AqQua 1 2 @geomar.de']);

    const byRight = reviewAccess({ projects, caller: CALLER, right: 'View' });
    expect(people(byRight)).toEqual(['AqQua View M[] A[] V[1 2] C[]', 'Victor Villefranche View M[] A[] V[3] C[]']);
    expect(findings(byRight)).toEqual(['other-domain AqQua 1 2 @geomar.de', 'no-contact - 3']);
  });

  it('emailDomain: after the last @, in lower case', () => {
    expect(emailDomain('A.B@Geomar.DE')).toBe('geomar.de');
    expect(emailDomain('odd@name@example.org')).toBe('example.org');
    expect(emailDomain('no-at-sign')).toBe('');
  });
});

describe('access in Markdown', () => {
  it('cells are inert, then escaped: no pipe, no line break, no escape sequence gets through', () => {
    const evil: MinUser = { id: 66, email: 'e|v@x.example', name: 'Eve\u001b[31m|\nrow', organisation: '<b>' };
    const report = reviewAccess({ projects: [project({ viewers: [evil] })], caller: CALLER });
    const text = accessMarkdown(report, false, 'https://ecotaxa.obs-vlfr.fr/api');
    expect(text).toContain('| Eve\\\\x1b\\[31m\\|\\\\nrow | e\\|v@x.example | \\<b\\> | 0 | 0 | 1 | V: 101 |\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b/);
  });
});
