import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The repository explains itself: comments in src/ cite what the code relies on about
 * EcoTaxa by a section of docs/ecotaxa-api.md, and nothing outside the repository.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const sources = (): { file: string; text: string }[] =>
  fs
    .readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: path.join('src', f), text: fs.readFileSync(path.join(ROOT, 'src', f), 'utf8') }));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

describe('docs/ecotaxa-api.md', () => {
  it('has every section a comment of src/ cites', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ecotaxa-api.md'), 'utf8');
    const sections = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1] as string)));
    const cited = sources().flatMap(({ file, text }) =>
      [...text.matchAll(/docs\/ecotaxa-api\.md#([a-z0-9-]+)/g)].map((m) => `${file}: #${m[1]}`),
    );
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.filter((c) => !sections.has(c.slice(c.indexOf('#') + 1)))).toEqual([]);
  });

  it('is what comments cite: none cites a file outside the repository or an issue number', () => {
    const outside = /API-NOTES|transcripts?\b|STYLE(-SIDE-BY-SIDE)?\.md|\bissue \d+/i;
    const citing = sources().flatMap(({ file, text }) =>
      text.split('\n').flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(citing).toEqual([]);
  });
});
