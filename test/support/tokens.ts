import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Tokens in EcoTaxa's real format: an itsdangerous URLSafeTimedSerializer value
 * (salt "cookie-session", HMAC-SHA1 with the "django-concat" key derivation), so that the
 * client's local decoding and the fixture scrubber meet the real shape (API-NOTES).
 */

const SALT = 'cookie-session';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function derivedKey(secret: string): Buffer {
  return createHash('sha1').update(`${SALT}signer${secret}`).digest();
}

function timestampBytes(seconds: number): Buffer {
  const bytes: number[] = [];
  let n = seconds;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from(bytes);
}

export function signToken(userId: number, issuedAtSeconds: number, secret: string): string {
  const value = `${b64url(JSON.stringify({ user_id: userId }))}.${b64url(timestampBytes(issuedAtSeconds))}`;
  const signature = createHmac('sha1', derivedKey(secret)).update(value).digest();
  return `${value}.${b64url(signature)}`;
}

/** The user id of a valid, unexpired token; undefined otherwise. */
export function verifyToken(
  token: string,
  secret: string,
  nowSeconds: number,
  maxAgeSeconds: number,
): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [payload, stamp, signature] = parts as [string, string, string];
  const expected = createHmac('sha1', derivedKey(secret)).update(`${payload}.${stamp}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const stampBytes = Buffer.from(stamp, 'base64url');
  if (stampBytes.length === 0 || stampBytes.length > 6) return undefined;
  const issued = stampBytes.readUIntBE(0, stampBytes.length);
  if (nowSeconds - issued > maxAgeSeconds) return undefined;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user_id?: unknown };
    return typeof data.user_id === 'number' ? data.user_id : undefined;
  } catch {
    return undefined;
  }
}
