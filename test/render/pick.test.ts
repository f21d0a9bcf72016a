import { describe, expect, it } from 'vitest';
import { pickChoices, pickMessage } from '../../src/render/pick.js';
import { USER, project } from '../support/factory.js';

describe('the --pick list’s rows and question', () => {
  it('fit the terminal, sorted by id: the title gives up width, the id and the right never', () => {
    const projects = [
      project({
        projid: 2001,
        title: 'Atlantic Meridional Transect AMT28, every station of both legs',
        viewers: [USER],
      }),
      project({ projid: 7, title: 'Weddell Sea krill', instrument: 'UVP5HD', annotators: [USER] }),
    ];
    expect(pickChoices(projects, USER, 60)).toEqual([
      { projid: 7, label: '   7  Weddell Sea krill              UVP5HD   Annotate' },
      { projid: 2001, label: '2001  Atlantic Meridional Transect…  Zooscan  View' },
    ]);
    expect(pickChoices(projects, USER, 60).every((c) => [...c.label].length <= 60 - 6)).toBe(true);
  });

  it('pickMessage says what happens to the projects picked', () => {
    const user = { name: 'AqQua' };
    expect(pickMessage({ action: 'revoke', right: 'View', anyRight: true }, user)).toBe(
      "Revoke AqQua's right on which projects? (id, title, instrument, AqQua's right now)",
    );
    expect(pickChoices([], { id: 10 })).toEqual([]);
  });
});
