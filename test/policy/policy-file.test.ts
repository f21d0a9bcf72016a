import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkServer, parsePolicy, pathText } from '../../src/policy/policy-file.js';
import { nearest } from '../../src/policy/suggest.js';
import { caught } from '../support/caught.js';

/*
 * Reading a policy: what a good file becomes, and for each kind of mistake the one line that
 * names the file, the line and the key.
 */

const AQQUA = `version: 1
server: https://ecotaxa.obs-vlfr.fr/api/
rules:
  - user: aqqua@geomar.de
    right: view
    projects:
      instrument: [UVP5HD, UVP5SD, UVP6]
      exclude: [12, "40-42"]
    until: 2027-07-31
  - name: colleague
    user: 11
    right: Annotate
    mode: authoritative
    projects: { ids: [1, "3-5"], title: Kiel }
`;

describe('parsePolicy: a good file', () => {
  it('gives each rule its user, right, selectors, mode, until and lines', () => {
    const policy = parsePolicy(AQQUA, 'sharing.yaml');
    expect(policy.file).toBe('sharing.yaml');
    expect(policy.server).toEqual({ url: 'https://ecotaxa.obs-vlfr.fr/api', line: 2 });
    expect(policy.rules).toEqual([
      {
        index: 0,
        name: undefined,
        user: 'aqqua@geomar.de',
        right: 'View',
        projects: {
          all: false,
          ids: undefined,
          namedIds: [],
          title: [],
          instrument: ['UVP5HD', 'UVP5SD', 'UVP6'],
          exclude: new Set([12, 40, 41, 42]),
        },
        mode: 'additive',
        until: '2027-07-31',
        line: 4,
        userLine: 4,
      },
      {
        index: 1,
        name: 'colleague',
        user: '11',
        right: 'Annotate',
        projects: {
          all: false,
          ids: new Set([1, 3, 4, 5]),
          namedIds: [1],
          title: ['Kiel'],
          instrument: [],
          exclude: new Set(),
        },
        mode: 'authoritative',
        until: undefined,
        line: 10,
        userLine: 11,
      },
    ]);
  });

  it('reads the same policy written as JSON', () => {
    const json = JSON.stringify({
      version: 1,
      rules: [{ user: 'aqqua@geomar.de', right: 'view', projects: { all: true }, until: '2027-07-31' }],
    });
    const rule = parsePolicy(json, 'sharing.json').rules[0];
    expect(rule?.right).toBe('View');
    expect(rule?.projects.all).toBe(true);
    expect(rule?.until).toBe('2027-07-31');
  });
});

describe('parsePolicy: each mistake is one line, FILE:LINE: KEY: what is wrong', () => {
  const rule = (extra: string) => `version: 1\nrules:\n  - user: aqqua@geomar.de\n    right: view\n${extra}`;
  const all = '    projects: { all: true }\n';

  it.each([
    [
      'an unknown key',
      rule('    projects:\n      all: true\n      camera: UVP6\n'),
      'p.yaml:7: rules[0].projects.camera: unknown key: use all, ids, title, instrument or exclude',
    ],
    [
      'an unknown key in a rule',
      rule(`${all}    owners: [a]\n`),
      'p.yaml:6: rules[0].owners: unknown key: use name, user, right, projects, mode or until',
    ],
    ['an unknown key at the top', `${rule(all)}host: x\n`, 'p.yaml:6: host: unknown key: use version, server or rules'],
    [
      'a right that is not one',
      `${rule(all)}  - user: b\n    right: edit\n    projects: { all: true }\n`,
      'p.yaml:7: rules[1].right: "edit" is not a right: use view, annotate or manage',
    ],
    [
      'a missing right',
      'version: 1\nrules:\n  - user: a\n    projects: { all: true }\n',
      'p.yaml:3: rules[0].right: missing: use view, annotate or manage',
    ],
    [
      'a date that is not YYYY-MM-DD',
      rule(`${all}    until: 31/07/2027\n`),
      'p.yaml:6: rules[0].until: "31/07/2027" is not a date: write YYYY-MM-DD, e.g. 2027-07-31',
    ],
    [
      'a day that does not exist',
      rule(`${all}    until: 2027-02-30\n`),
      'p.yaml:6: rules[0].until: "2027-02-30" is not a date: write YYYY-MM-DD, e.g. 2027-07-31',
    ],
    [
      'a mode that is not one',
      rule(`${all}    mode: strict\n`),
      'p.yaml:6: rules[0].mode: "strict" is not a mode: use additive (the default) or authoritative',
    ],
    ['no rule', 'version: 1\nrules: []\n', 'p.yaml:2: rules: no rule: list at least one'],
    ['no rules key', 'version: 1\n', 'p.yaml:1: rules: missing: list at least one rule'],
    [
      'a rule with no selector',
      rule('    projects: { exclude: [3] }\n'),
      'p.yaml:5: rules[0].projects: selects no project: give all, ids, title or instrument ("all: true" for every project you manage)',
    ],
    [
      'a rule without projects',
      rule(''),
      'p.yaml:3: rules[0].projects: missing: say which projects ("all: true" for every project you manage)',
    ],
    [
      'all: false',
      rule('    projects: { all: false }\n'),
      'p.yaml:5: rules[0].projects.all: false: write "all: true" for every project you manage, or leave it out',
    ],
    [
      'a bad id in a list',
      rule('    projects:\n      ids:\n        - 3\n        - 5x\n'),
      'p.yaml:8: rules[0].projects.ids[1]: "5x" is not a project id: ids are whole numbers such as 101, ranges look like 2001-2010',
    ],
    [
      'a reversed range',
      rule('    projects: { ids: 10-5 }\n'),
      'p.yaml:5: rules[0].projects.ids: range 10-5 is reversed: write 5-10',
    ],
    [
      'an empty title list',
      rule('    projects: { title: [] }\n'),
      'p.yaml:5: rules[0].projects.title: an empty list: give a text, or a list of texts',
    ],
    [
      'another version',
      `version: 2\nrules:\n${rule(all).split('rules:\n')[1] ?? ''}`,
      'p.yaml:1: version: 2 is not a policy version this ecotaxa-access reads: write "version: 1"',
    ],
    [
      'a name given twice',
      'version: 1\nrules:\n  - { name: x, user: a, right: view, projects: { all: true } }\n  - { name: x, user: b, right: view, projects: { all: true } }\n',
      'p.yaml:4: rules[1].name: "x" names rules[0] too: give each rule its own name',
    ],
    [
      'a server that is not a URL',
      `version: 1\nserver: ftp://x\nrules:\n  - { user: a, right: view, projects: { all: true } }\n`,
      'p.yaml:2: server: "ftp://x" must start with https:// (or http:// on loopback)',
    ],
    [
      'broken YAML',
      'version: 1\nrules:\n  - user: a\n   right: view\n',
      'p.yaml:4: not valid YAML or JSON: Sequence item without - indicator',
    ],
    ['a key given twice', 'version: 1\nversion: 1\n', 'p.yaml:2: not valid YAML or JSON: Map keys must be unique'],
    ['an empty file', '', 'p.yaml:1: the file is empty: a policy starts with "version: 1" and lists rules'],
    [
      'a list instead of a policy',
      '- a\n- b\n',
      'p.yaml:1: not a policy: expected "version: 1", an optional "server" and a list of "rules"',
    ],
    [
      'JSON with an unknown key',
      '{\n  "version": 1,\n  "rules": [\n    {"user": "a", "right": "view", "projects": {"all": true}, "extra": 1}\n  ]\n}\n',
      'p.yaml:4: rules[0].extra: unknown key: use name, user, right, projects, mode or until',
    ],
  ])('%s', (_name, text, message) => {
    const err = caught(() => parsePolicy(text, 'p.yaml'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(message);
  });

  it('reports the first mistake in the file, whatever the order of the schema', () => {
    const text = 'version: 1\nrules:\n  - user: a\n    colour: blue\n    right: edit\n    projects: { all: true }\n';
    expect(caught(() => parsePolicy(text, 'p.yaml')).message).toBe(
      'p.yaml:4: rules[0].colour: unknown key: use name, user, right, projects, mode or until',
    );
  });
});

describe('parsePolicy: a typo of a key names the key meant, at every level', () => {
  it.each([
    [
      'rulez at the top, where rules is then missing',
      'version: 1\nrulez:\n  - { user: a, right: view, projects: { all: true } }\n',
      'p.yaml:2: rulez: unknown key (did you mean rules?)',
    ],
    [
      'Version',
      'Version: 1\nrules:\n  - { user: a, right: view, projects: { all: true } }\n',
      'p.yaml:1: Version: unknown key (did you mean version?)',
    ],
    [
      'rigth in a rule, where right is then missing',
      'version: 1\nrules:\n  - user: a\n    rigth: view\n    projects: { all: true }\n',
      'p.yaml:4: rules[0].rigth: unknown key (did you mean right?)',
    ],
    [
      'projets in a rule',
      'version: 1\nrules:\n  - user: a\n    right: view\n    projets: { all: true }\n',
      'p.yaml:5: rules[0].projets: unknown key (did you mean projects?)',
    ],
    [
      'instrumnt in the selectors',
      'version: 1\nrules:\n  - user: a\n    right: view\n    projects:\n      instrumnt: UVP6\n',
      'p.yaml:6: rules[0].projects.instrumnt: unknown key (did you mean instrument?)',
    ],
  ])('%s', (_name, text, message) => {
    expect(caught(() => parsePolicy(text, 'p.yaml')).message).toBe(message);
  });

  it('picks the nearest key, and none when no key is close', () => {
    expect(nearest('exlude', ['all', 'ids', 'title', 'instrument', 'exclude'])).toBe('exclude');
    expect(nearest('id', ['all', 'ids', 'title'])).toBe('ids');
    expect(nearest('colour', ['name', 'user', 'right', 'projects', 'mode', 'until'])).toBeUndefined();
    expect(nearest('x', ['all', 'ids'])).toBeUndefined();
  });
});

describe('parsePolicy: whatever the parser makes of a file is bad input, never a bug of the tool', () => {
  const laughs = (): string => {
    const rows = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
    ]) {
      rows.push(`${name}: &${name} [${Array<string>(9).fill(`*${prev}`).join(', ')}]`);
    }
    return `${rows.join('\n')}\nrules: *h\n`;
  };
  it.each([
    [
      'a "billion laughs" of aliases',
      laughs(),
      'p.yaml:3: not valid YAML: too many aliases (*name): the file expands to more than any policy or configuration needs',
    ],
    [
      'an alias to no anchor',
      'version: 1\nrules: *nowhere\n',
      'p.yaml:2: not valid YAML: Unresolved alias (the anchor must be set before the alias): nowhere',
    ],
    [
      'nesting deep enough to exhaust the stack',
      `version: 1\nrules: ${'['.repeat(100_000)}`,
      'p.yaml:2: not valid YAML or JSON: nested too deeply',
    ],
    [
      'two documents',
      'version: 1\n---\nversion: 1\n',
      'p.yaml:2: not valid YAML or JSON: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ],
    [
      'a scalar',
      'hello\n',
      'p.yaml:1: not a policy: expected "version: 1", an optional "server" and a list of "rules"',
    ],
    [
      'a huge version',
      'version: 1e999\nrules: []\n',
      'p.yaml:1: version: null is not a policy version this ecotaxa-access reads: write "version: 1"',
    ],
    [
      'control characters and a terminal escape where a right goes',
      'version: 1\nrules:\n  - { user: a, right: "\\e[2J\\u202eweiv", projects: { all: true } }\n',
      'p.yaml:3: rules[0].right: "\\u001b[2J\\u202eweiv" is not a right: use view, annotate or manage',
    ],
  ])('%s', (_name, text, message) => {
    const err = caught(() => parsePolicy(text, 'p.yaml'));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(message);
  });
});

describe('checkServer', () => {
  const policy = parsePolicy(AQQUA, 'sharing.yaml');

  it('accepts the server in use, however its URL was written', () => {
    expect(() => checkServer(policy, 'https://ecotaxa.obs-vlfr.fr/api')).not.toThrow();
    expect(() => checkServer(parsePolicy(AQQUA.replace(/^server:.*\n/m, ''), 'p.yaml'), 'http://x/api')).not.toThrow();
  });

  it('refuses another one, naming both and the line', () => {
    expect(caught(() => checkServer(policy, 'https://ecotaxa.example.org/api')).message).toBe(
      "sharing.yaml:2: server: the policy is for https://ecotaxa.obs-vlfr.fr/api, but the server in use is https://ecotaxa.example.org/api: use --url https://ecotaxa.obs-vlfr.fr/api, or change the policy's server",
    );
  });
});

describe('pathText', () => {
  it('writes a path as the reader of the file would', () => {
    expect(pathText(['rules', 1, 'projects', 'ids', 0])).toBe('rules[1].projects.ids[0]');
    expect(pathText(['version'])).toBe('version');
  });
});
