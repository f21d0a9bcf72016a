import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN, AQQUA, AQQUA_ARCHIVE, COLLEAGUE, INACTIVE, OWNER, VICTOR } from '../support/people.js';
import { signToken } from '../support/tokens.js';

/** Every file committed under fixtures/ is scanned for anything that looks like a secret. */

const ROOT = path.resolve(import.meta.dirname, '..', '..', 'fixtures');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

/**
 * An EcoTaxa token or `session` cookie: itsdangerous's payload.timestamp.signature in base64url,
 * a leading "." when compressed (API-NOTES "Authentication"). Written here, looser than the
 * scrubber's own pattern: a scan that imported the scrubber's would share its bugs.
 */
const TOKEN_LIKE = /\.?[\w-]{6,}\.[\w-]{3,}\.[\w-]{10,}/g;

/** Problems found in one file's text. */
function secretsIn(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(TOKEN_LIKE)) problems.push(`token-shaped value ${match[0].slice(0, 12)}...`);
  if (/\bBearer\s+(?!<TOKEN-\d+>)\S/i.test(text)) problems.push('a Bearer credential');
  if (/"(set-)?cookie"\s*:/i.test(text) || /\bsession=[A-Za-z0-9._-]{8,}/.test(text)) problems.push('a cookie');
  for (const match of text.matchAll(/"(password|passwd|secret)"\s*:\s*"([^"]*)"/gi)) {
    if (match[2] !== '<PASSWORD>') problems.push(`a ${match[1]} value`);
  }
  for (const user of [OWNER, AQQUA, COLLEAGUE, VICTOR, AQQUA_ARCHIVE, INACTIVE, ADMIN]) {
    if (text.includes(user.password)) problems.push(`the password of ${user.email}`);
  }
  return problems;
}

describe('fixtures/', () => {
  const all = files(ROOT);

  it('holds recordings to scan', () => {
    expect(all.filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((f) => [path.relative(ROOT, f), f]))('%s holds no token, password or cookie', (_name, file) => {
    expect(secretsIn(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the scan itself finds each kind of secret', () => {
    const token = signToken(9, 1_794_128_400, 'k');
    expect(secretsIn(`{"response": "${token}"}`)).toEqual([expect.stringContaining('token-shaped')]);
    expect(secretsIn(`{"response": ".${token}"}`)).not.toEqual([]);
    expect(secretsIn('{"authorization": "Bearer abc.def"}')).toEqual(['a Bearer credential']);
    expect(secretsIn('{"set-cookie": "x"}')).toEqual(['a cookie']);
    expect(secretsIn('{"password": "hunter22"}')).toEqual(['a password value']);
    expect(secretsIn(`{"note": "${OWNER.password}"}`)).toEqual([`the password of ${OWNER.email}`]);
    expect(secretsIn('{"password": "<PASSWORD>", "response": "<TOKEN-1>"}')).toEqual([]);
  });
});
