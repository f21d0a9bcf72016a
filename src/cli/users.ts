import type { EcoTaxaClient } from '../api/client.js';
import type { MinUser } from '../api/schemas.js';
import { UsageError } from '../errors.js';
import { describeUser } from '../plan/rights.js';

export type UserQuery =
  { kind: 'id'; id: number } | { kind: 'email'; email: string } | { kind: 'name'; name: string; pattern: boolean };

export function parseUserQuery(text: string): UserQuery {
  const trimmed = text.trim();
  if (/^#?\d+$/.test(trimmed)) return { kind: 'id', id: Number(trimmed.replace('#', '')) };
  if (/^[^\s@]+@[^\s@]+$/.test(trimmed)) return { kind: 'email', email: trimmed };
  return { kind: 'name', name: trimmed, pattern: trimmed.includes('%') };
}

/**
 * EcoTaxa searches users by name only (docs/ecotaxa-api.md#users). To find an email, search the
 * names its local part suggests ("carl.colleague" → "%carl%colleague%"), then every active
 * user ("%") if that found nobody, and keep the exact (case-insensitive) email match.
 */
async function findByEmail(client: EcoTaxaClient, email: string): Promise<MinUser[]> {
  const wanted = email.toLowerCase();
  const words = (email.split('@')[0] ?? '').split(/[._+-]+/).filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
  const patterns = words.length > 0 ? [`%${words.join('%')}%`, '%'] : ['%'];
  for (const pattern of patterns) {
    const found = (await client.searchUsers(pattern)).filter((u) => u.email.toLowerCase() === wanted);
    if (found.length > 0) return found;
  }
  return [];
}

/** Users matching the query: an id, an exact email, an exact name, or a name with % wildcards. */
export async function findUsers(client: EcoTaxaClient, query: UserQuery): Promise<MinUser[]> {
  switch (query.kind) {
    case 'id': {
      const user = await client.getUser(query.id);
      return user === undefined ? [] : [user];
    }
    case 'email':
      return findByEmail(client, query.email);
    case 'name': {
      const found = await client.searchUsers(query.name);
      // ILIKE also treats "_" as a wildcard: keep exact names only, unless % was asked for.
      return query.pattern ? found : found.filter((u) => u.name.toLowerCase() === query.name.toLowerCase());
    }
  }
}

/**
 * Whether an account is active. GET /users/{id} returns any account, but a name search only
 * active ones (docs/ecotaxa-api.md#users): so search the user's own name and look for the id.
 */
export async function isActive(client: EcoTaxaClient, user: MinUser): Promise<boolean> {
  return (await client.searchUsers(user.name)).some((u) => u.id === user.id);
}

function list(users: readonly MinUser[]): string {
  const shown = users.slice(0, 8).map(describeUser).join(', ');
  return users.length > 8 ? `${shown}, and ${users.length - 8} more` : shown;
}

/**
 * Exactly one user, or a refusal that lists the candidates: rights are never given to a
 * user picked by a pattern that matches several (other accounts' names start like AqQua's).
 */
export async function resolveUser(client: EcoTaxaClient, text: string, flag: string): Promise<MinUser> {
  const query = parseUserQuery(text);
  const found = await findUsers(client, query);
  if (found.length === 1) {
    const user = found[0] as MinUser;
    // Only a lookup by id can find an inactive account; a right given to one is invisible and
    // lost at the project's next update, whoever makes it.
    if (query.kind === 'id' && !(await isActive(client, user))) {
      throw new UsageError(
        `${flag} "${text}": ${describeUser(user)} has an inactive account: EcoTaxa does not show its rights and drops them at the next update of each project`,
      );
    }
    return user;
  }
  if (found.length > 1) {
    throw new UsageError(
      `${flag} "${text}" matches ${found.length} users: ${list(found)}; give an id or an exact email`,
    );
  }
  if (query.kind === 'id') throw new UsageError(`${flag} "${text}": EcoTaxa has no user #${query.id}`);
  if (query.kind === 'email') {
    throw new UsageError(
      `${flag} "${text}": no active EcoTaxa user has this email; check it with \`ecotaxa-access users find\`, or give the user's id`,
    );
  }
  const similar = query.pattern ? [] : await client.searchUsers(`%${query.name}%`);
  const hint = similar.length > 0 ? `; similar names: ${list(similar)}` : '';
  throw new UsageError(`${flag} "${text}": no active EcoTaxa user is named so${hint}; give an id or an exact email`);
}
