import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/plan-document.js';
import { escapeMarkdown, renderPlanMarkdown } from '../../src/plan/render-markdown.js';
import { CALLER, USER } from './factory.js';

/* --format markdown: text from EcoTaxa (titles, reasons) never breaks the Markdown around it. */

describe('escapeMarkdown', () => {
  it('keeps a table cell one cell, on one line, without emphasis, code or HTML', () => {
    expect(escapeMarkdown('a | b')).toBe('a \\| b');
    expect(escapeMarkdown('line 1\nline 2\r\nline 3')).toBe('line 1 line 2 line 3');
    expect(escapeMarkdown('*bold* _it_ `code` ~~gone~~')).toBe('\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~');
    expect(escapeMarkdown('<script> AqQua <aqqua@geomar.de>')).toBe('\\<script\\> AqQua \\<aqqua@geomar.de\\>');
    expect(escapeMarkdown('C:\\data')).toBe('C:\\\\data');
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

- Server: https://ecotaxa.obs-vlfr.fr/api
- You: Olivia Owner \\<owner@example.org\\> (#9)
- User: AqQua \\<aqqua@geomar.de\\> (#10)

**Plan: 1 to grant, 1 unchanged, 0 skipped.**

### Changes (1)

|  | ID | Title | Change |
| --- | ---: | --- | --- |
| + | 7 | Kiel \\| \\*2019\\* \\<raw\\> | none → View |`);
  });
});
