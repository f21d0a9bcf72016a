import { inflateSync } from 'node:zlib';

/** EcoTaxa accepts a token for 31 days after its timestamp (docs/ecotaxa-api.md#authentication). */
export const TOKEN_LIFETIME_SECONDS = 2_678_400;

export interface TokenInfo {
  userId: number | undefined;
  issuedAt: Date;
  expiresAt: Date;
}

function base64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

/**
 * Reads an EcoTaxa token locally, without asking the server. It is an itsdangerous
 * URLSafeTimedSerializer value `payload.timestamp.signature` (a leading "." means a
 * zlib-compressed payload); the web site's `session` cookie has the same shape.
 * Returns undefined for anything else: the server then decides.
 */
export function decodeToken(token: string): TokenInfo | undefined {
  const compressed = token.startsWith('.');
  const parts = (compressed ? token.slice(1) : token).split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  const [payloadPart, timestampPart] = parts as [string, string, string];
  const stampBytes = base64url(timestampPart);
  if (stampBytes.length === 0 || stampBytes.length > 6) return undefined;
  const seconds = stampBytes.readUIntBE(0, stampBytes.length);
  let userId: number | undefined;
  try {
    const raw = compressed ? inflateSync(base64url(payloadPart)) : base64url(payloadPart);
    const payload: unknown = JSON.parse(raw.toString('utf8'));
    if (payload !== null && typeof payload === 'object') {
      const record = payload as Record<string, unknown>;
      const id = record['user_id'] ?? record['_user_id'];
      userId = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : undefined;
    }
  } catch {
    return undefined;
  }
  return {
    userId,
    issuedAt: new Date(seconds * 1000),
    expiresAt: new Date((seconds + TOKEN_LIFETIME_SECONDS) * 1000),
  };
}
