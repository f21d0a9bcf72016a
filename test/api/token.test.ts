import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TOKEN_LIFETIME_SECONDS, decodeToken } from '../../src/api/token.js';
import { signToken } from '../support/tokens.js';

const ISSUED = 1_767_225_600; // 2026-01-01T00:00:00Z

function timestamp(seconds: number): string {
  const bytes: number[] = [];
  for (let n = seconds; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from(bytes).toString('base64url');
}

describe('decodeToken', () => {
  it('reads the user id and the issue time of a real-shaped itsdangerous token', () => {
    const token = signToken(10, ISSUED, 'not-the-real-secret');
    expect(decodeToken(token)).toEqual({
      userId: 10,
      issuedAt: new Date('2026-01-01T00:00:00Z'),
      expiresAt: new Date('2026-02-01T00:00:00Z'),
    });
  });

  it('gives 31 days (2,678,400 s) of validity', () => {
    expect(TOKEN_LIFETIME_SECONDS).toBe(2_678_400);
    const info = decodeToken(signToken(3, ISSUED, 's'));
    expect(info).toBeDefined();
    expect(((info?.expiresAt.getTime() ?? 0) - (info?.issuedAt.getTime() ?? 0)) / 1000).toBe(2_678_400);
  });

  it('does not need the secret: any signature is read the same', () => {
    expect(decodeToken(signToken(42, ISSUED, 'a'))).toEqual(decodeToken(signToken(42, ISSUED, 'b')));
  });

  it('reads a zlib-compressed payload (leading ".")', () => {
    const payload = deflateSync(Buffer.from(JSON.stringify({ user_id: 77, padding: 'x'.repeat(200) }))).toString(
      'base64url',
    );
    const token = `.${payload}.${timestamp(ISSUED)}.c2lnbmF0dXJl`;
    expect(decodeToken(token)).toEqual({
      userId: 77,
      issuedAt: new Date(ISSUED * 1000),
      expiresAt: new Date((ISSUED + 2_678_400) * 1000),
    });
  });

  it("reads the web session cookie's _user_id given as a string", () => {
    const payload = Buffer.from(JSON.stringify({ _user_id: '123', _fresh: true })).toString('base64url');
    expect(decodeToken(`${payload}.${timestamp(ISSUED)}.c2ln`)?.userId).toBe(123);
  });

  it('keeps the dates when the payload names no user', () => {
    const payload = Buffer.from(JSON.stringify({ other: 1 })).toString('base64url');
    expect(decodeToken(`${payload}.${timestamp(ISSUED)}.c2ln`)).toEqual({
      userId: undefined,
      issuedAt: new Date(ISSUED * 1000),
      expiresAt: new Date((ISSUED + 2_678_400) * 1000),
    });
  });

  const good = signToken(10, ISSUED, 's');
  const [payload, stamp, signature] = good.split('.') as [string, string, string];
  it.each([
    ['an empty string', ''],
    ['a word', 'garbage'],
    ['two parts', `${payload}.${stamp}`],
    ['four parts', `${good}.x`],
    ['characters outside base64url', `${payload}.${stamp}.${signature}+/=`],
    ['a payload that is not JSON', `${Buffer.from('not json').toString('base64url')}.${stamp}.${signature}`],
    ['a "compressed" payload that is not zlib', `.${payload}.${stamp}.${signature}`],
    ['an empty timestamp', `${payload}..${signature}`],
    ['a timestamp too long', `${payload}.${Buffer.alloc(8, 1).toString('base64url')}.${signature}`],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU-x'],
  ])('is undefined for %s', (_name, token) => {
    expect(decodeToken(token)).toBeUndefined();
  });
});
