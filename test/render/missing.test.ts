import { describe, expect, it } from 'vitest';
import { idList, notFoundLine, notProjectsLine } from '../../src/render/missing.js';

describe('what was asked for and is not shown', () => {
  it('lists ids with their ranges, in a sentence', () => {
    expect(idList([3, 5, 6, 7, 12])).toBe('3, 5-7, 12');
  });

  it('says which ids were not found, one or many', () => {
    expect(notFoundLine([999])).toBe('999: not found, or you have no right on it');
    expect(notFoundLine([12, 14])).toBe('12, 14: not found, or you have no right on them');
  });

  it('says which ids are outside what the command covers', () => {
    expect(notProjectsLine([33], 'you manage')).toBe('33: not a project you manage');
    expect(notProjectsLine([33, 34], 'shared with you')).toBe('33-34: not projects shared with you');
  });
});
