import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/api/schemas.js';
import { privilegeFingerprint } from '../../src/plan/fingerprint.js';
import { CALLER, OTHER, THIRD, USER, project } from '../support/factory.js';

const base = (): Project =>
  project({ managers: [CALLER, OTHER], annotators: [THIRD], viewers: [USER], contact: CALLER });

describe('privilegeFingerprint', () => {
  it('is a short stable hex string', () => {
    expect(privilegeFingerprint(base())).toMatch(/^[0-9a-f]{16}$/);
    expect(privilegeFingerprint(base())).toBe(privilegeFingerprint(base()));
  });

  it('ignores the order of each list and everything but rights and contact', () => {
    const reordered = project({
      projid: 999,
      title: 'Another title',
      instrument: null,
      managers: [{ ...OTHER, name: 'renamed' }, CALLER],
      annotators: [THIRD],
      viewers: [USER],
      contact: { ...CALLER, email: 'new@example.org' },
    });
    expect(privilegeFingerprint(reordered)).toBe(privilegeFingerprint(base()));
  });

  const changes: [string, Partial<Project>][] = [
    ['a viewer added', { viewers: [USER, { id: 40, email: 'x@example.org', name: 'X' }] }],
    ['a viewer removed', { viewers: [] }],
    ['a viewer made annotator', { annotators: [THIRD, USER], viewers: [] }],
    ['an annotator made viewer', { annotators: [], viewers: [USER, THIRD] }],
    ['a manager demoted', { managers: [CALLER], annotators: [THIRD, OTHER] }],
    ['another contact', { contact: OTHER }],
    ['no contact', { contact: null }],
    ['the same user twice', { viewers: [USER, USER] }],
  ];
  it.each(changes)('changes when %s', (_name, change) => {
    expect(privilegeFingerprint({ ...base(), ...change })).not.toBe(privilegeFingerprint(base()));
  });

  it('tells apart ids that would concatenate alike', () => {
    const a = project({
      managers: [CALLER],
      viewers: [
        { id: 1, email: '', name: '' },
        { id: 23, email: '', name: '' },
      ],
    });
    const b = project({
      managers: [CALLER],
      viewers: [
        { id: 12, email: '', name: '' },
        { id: 3, email: '', name: '' },
      ],
    });
    expect(privilegeFingerprint(a)).not.toBe(privilegeFingerprint(b));
  });
});
