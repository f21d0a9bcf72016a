import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/model.js';
import type { ApplyResult } from '../../src/plan/results.js';
import { escapeMarkdown, markdownCode, renderPlanMarkdown, renderResultsMarkdown } from '../../src/render/markdown.js';
import { CALLER, USER } from '../support/factory.js';

/*
 * --format markdown: text from EcoTaxa (titles, names, reasons) and from policy files never
 * breaks the Markdown around it, nor becomes a link, an image or HTML in a job summary or a
 * pull-request comment.
 */

describe('escapeMarkdown', () => {
  it('keeps a table cell one cell, on one line, without emphasis, code or HTML', () => {
    expect(escapeMarkdown('a | b')).toBe('a \\| b');
    // A line break is shown, as `inert` shows it (its backslash escaped for Markdown).
    expect(escapeMarkdown('line 1\nline 2\r\nline 3')).toBe('line 1\\\\nline 2\\\\r\\\\nline 3');
    expect(escapeMarkdown('*bold* _it_ `code` ~~gone~~')).toBe('\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~');
    expect(escapeMarkdown('<script> AqQua <aqqua@geomar.de>')).toBe('\\<script\\> AqQua \\<aqqua@geomar.de\\>');
    expect(escapeMarkdown('C:\\data')).toBe('C:\\\\data');
  });

  it.each([
    ['a link', 'See [the data](https://evil.example/x)', 'See \\[the data\\](https&#58;//evil.example/x)'],
    ['a tracking image', '![](http://evil.example/pixel.png?u=1)', '!\\[\\](http&#58;//evil.example/pixel.png?u=1)'],
    ['a reference link', '[x]: https://evil.example', '\\[x\\]: https&#58;//evil.example'],
    ['an autolink', '<https://evil.example>', '\\<https&#58;//evil.example\\>'],
    ['a bare URL (GitHub links it)', 'data at https://evil.example/a', 'data at https&#58;//evil.example/a'],
    ['a bare www address', 'see WWW.evil.example', 'see WWW&#46;evil.example'],
    ['a mailto address', 'write mailto:x@evil.example', 'write mailto&#58;x@evil.example'],
    ['HTML', '<img src=x onerror=alert(1)><b>hi</b>', '\\<img src=x onerror=alert(1)\\>\\<b\\>hi\\</b\\>'],
    ['a character reference', 'AT&amp;T &#x3C;', 'AT\\&amp;T \\&#x3C;'],
    ['math', '$\\href{https://evil.example}{x}$', '\\$\\\\href{https&#58;//evil.example}{x}\\$'],
    [
      'an escape sequence',
      '\u001b]8;;https://evil.example\u0007link',
      '\\\\x1b\\]8;;https&#58;//evil.example\\\\x07link',
    ],
    ['a bidirectional override', 'abc\u202edcba', 'abc\\\\u202edcba'],
    ['parentheses and # alone (no syntax)', 'Kiel (co-managed) #A!', 'Kiel (co-managed) #A!'],
    ['a mention (GitHub notifies it)', 'ask @octocat or @org/team', 'ask @&#8203;octocat or @&#8203;org/team'],
    ['an email address (no mention)', 'write to ana.b@geomar.de', 'write to ana.b@geomar.de'],
    ['issue references', 'see #12, owner/repo#3 and gh-7', 'see #&#8203;12, owner/repo#&#8203;3 and gh-&#8203;7'],
  ])('shows %s as text', (_name, text, shown) => {
    expect(escapeMarkdown(text)).toBe(shown);
  });
});

describe('markdownCode', () => {
  it.each([
    ['https://ecotaxa.obs-vlfr.fr/api', '`https://ecotaxa.obs-vlfr.fr/api`'],
    ['a`b', '``a`b``'],
    ['`x`` y', '``` `x`` y ```'],
    ['\u001b]8;;https://x\u0007', '`\\x1b]8;;https://x\\x07`'],
  ])('shows %j as code, its fence longer than any backticks in it', (text, shown) => {
    expect(markdownCode(text)).toBe(shown);
  });
});

describe('renderPlanMarkdown', () => {
  it('a one-user plan: no user or rule columns, no skip table when nothing is skipped, and odd titles escaped', () => {
    const plan: Plan = {
      createdAt: new Date('2026-11-08T09:00:00Z'),
      server: 'https://ecotaxa.obs-vlfr.fr/api',
      caller: CALLER,
      user: USER,
      operation: { action: 'grant', right: 'View' },
      entries: [
        {
          projid: 7,
          title: 'Kiel | *2019* <raw>',
          fingerprint: 'f',
          decision: { kind: 'change', from: null, to: 'View' },
        },
        {
          projid: 8,
          title: 'Kiel 2020',
          fingerprint: 'f',
          decision: { kind: 'unchanged', current: 'View', reason: 'already has View' },
        },
      ],
      notes: [],
    };
    expect(renderPlanMarkdown(plan)).toBe(`## ecotaxa-access plan: grant View

- Server: \`https://ecotaxa.obs-vlfr.fr/api\`
- You: Olivia Owner \\<owner@example.org\\> (#&#8203;9)
- User: AqQua \\<aqqua@geomar.de\\> (#&#8203;10)

**Plan: 1 to grant, 1 unchanged, 0 skipped.**

### Changes (1)

|  | ID | Title | Change |
| --- | ---: | --- | --- |
| + | 7 | Kiel \\| \\*2019\\* \\<raw\\> | none → View |`);
  });
});

describe('renderPlanMarkdown with hostile text', () => {
  it('shows titles, names, reasons and notes as text: no link, image, heading or escape sequence', () => {
    const user = { ...USER, name: 'Aq\u001b[2J\u001b[HQua', email: 'aqqua@geomar.de' };
    const plan: Plan = {
      createdAt: new Date('2026-11-08T09:00:00Z'),
      server: 'https://ecotaxa.obs-vlfr.fr/api',
      caller: CALLER,
      user,
      operation: { action: 'grant', right: 'View' },
      entries: [
        {
          projid: 7,
          title: '[Download](https://evil.example/x) ![](https://evil.example/pixel.png)',
          fingerprint: 'f',
          decision: { kind: 'change', from: null, to: 'View' },
        },
        {
          projid: 8,
          title: 'Legacy <img src=x>',
          fingerprint: 'f',
          decision: {
            kind: 'skip',
            code: 'contact-not-manager',
            current: null,
            reason: 'its contact Mallory www.evil.example is not a manager',
          },
        },
      ],
      notes: ['# rule-x selects none of the projects you manage.'],
    };
    expect(renderPlanMarkdown(plan)).toBe(`## ecotaxa-access plan: grant View

- Server: \`https://ecotaxa.obs-vlfr.fr/api\`
- You: Olivia Owner \\<owner@example.org\\> (#&#8203;9)
- User: Aq\\\\x1b\\[2J\\\\x1b\\[HQua \\<aqqua@geomar.de\\> (#&#8203;10)

**Plan: 1 to grant, 0 unchanged, 1 skipped.**

### Changes (1)

|  | ID | Title | Change |
| --- | ---: | --- | --- |
| + | 7 | \\[Download\\](https&#58;//evil.example/x) !\\[\\](https&#58;//evil.example/pixel.png) | none → View |

### Skipped (1)

| ID | Title | Reason |
| ---: | --- | --- |
| 8 | Legacy \\<img src=x\\> | its contact Mallory www&#46;evil.example is not a manager |

### Notes

- \\# rule-x selects none of the projects you manage.`);
  });
});

describe('renderResultsMarkdown', () => {
  it('says of each result what the text table says: reasons, and how a project changed since the plan', () => {
    const plan: Plan = {
      createdAt: new Date('2026-11-08T09:00:00Z'),
      server: 'https://ecotaxa.obs-vlfr.fr/api',
      caller: CALLER,
      user: USER,
      operation: { action: 'grant', right: 'View' },
      entries: [7, 8, 9, 10].map((projid) => ({
        projid,
        title: `Kiel ${projid}`,
        fingerprint: 'f',
        decision: { kind: 'change', from: null, to: 'View' },
      })),
      notes: [],
    };
    const base = { userId: USER.id, from: null, to: 'View' } as const;
    const results: ApplyResult[] = [
      { ...base, projid: 7, title: 'Kiel 7', outcome: 'applied', drift: 'Carl Colleague now has View' },
      { ...base, projid: 8, title: 'Kiel 8', outcome: 'failed', reason: 'EcoTaxa refused (403)' },
      {
        ...base,
        projid: 9,
        title: 'Kiel 9',
        outcome: 'unchanged',
        from: 'View',
        reason: 'already has View',
        drift: 'AqQua now has View (none in the plan)',
      },
      { ...base, projid: 10, title: 'Kiel 10', outcome: 'not-started', reason: 'interrupted' },
    ];
    expect(renderResultsMarkdown(plan, results, 'Done: 1 granted, 1 failed, 1 already done.')).toBe(`
### Result

**Done: 1 granted, 1 failed, 1 already done.**

|  | ID | Title | Result |
| --- | ---: | --- | --- |
| ✓ | 7 | Kiel 7 | none → View \\[changed since the plan: Carl Colleague now has View\\] |
| ✗ | 8 | Kiel 8 | failed: EcoTaxa refused (403) |
| = | 9 | Kiel 9 | unchanged: already has View \\[changed since the plan: AqQua now has View (none in the plan)\\] |
| · | 10 | Kiel 10 | not started: none → View |`);
  });
});
