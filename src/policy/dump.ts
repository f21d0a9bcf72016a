import type { MinUser, Project } from '../api/schemas.js';
import { inert } from '../output/inert.js';
import { formatAt, plural } from '../output/words.js';
import { RIGHTS, type Right, rightOf } from '../plan/rights.js';
import { formatIdRanges } from '../selection/selectors.js';
import { type Mode, POLICY_VERSION } from './policy-file.js';

/*
 * `policy dump`: the policy file that describes what is (pure: projects in, text out). One
 * rule per user and right, listing the projects where that is the user's right now, so
 * that `sync` of a fresh dump plans no change. Users are written by id, the one name `sync`
 * always resolves back to exactly that account; a comment gives their name and email.
 *
 * Everything from outside (titles, names, emails) goes into comments only, made inert: a
 * line break, a "#" or YAML syntax in a title stays inside its comment line.
 */

export interface DumpInput {
  /** The selected projects, all managed by the caller, with their members. */
  projects: readonly Project[];
  caller: Pick<MinUser, 'id' | 'name' | 'email'>;
  server: string;
  now: Date;
  /** --user: only these users, with every right they hold (Manage included). */
  users?: ReadonlySet<number> | undefined;
  /** Without --user: add the Manage rights of the projects' other managers. */
  includeManagers: boolean;
  mode: Mode;
}

export interface DumpRule {
  user: Pick<MinUser, 'id' | 'name' | 'email'>;
  right: Right;
  /** Sorted project ids where `right` is the user's right now. */
  projects: number[];
}

/** The rules of a dump: one per user and right, users by name then id, the higher right first. */
export function dumpRules(input: DumpInput): DumpRule[] {
  const rules = new Map<string, DumpRule>();
  const wanted = (userId: number, right: Right): boolean => {
    if (userId === input.caller.id) return false;
    if (input.users !== undefined) return input.users.has(userId);
    return right !== 'Manage' || input.includeManagers;
  };
  for (const project of [...input.projects].sort((a, b) => a.projid - b.projid)) {
    for (const user of [...project.managers, ...project.annotators, ...project.viewers]) {
      // A user listed twice (inconsistent data) counts once, at the highest right, as sync reads it.
      const right = rightOf(project, user.id);
      if (right === null || !wanted(user.id, right)) continue;
      const key = `${user.id}/${right}`;
      const rule = rules.get(key) ?? { user: { id: user.id, name: user.name, email: user.email }, right, projects: [] };
      if (rule.projects[rule.projects.length - 1] !== project.projid) rule.projects.push(project.projid);
      rules.set(key, rule);
    }
  }
  return [...rules.values()].sort(
    (a, b) =>
      a.user.name.localeCompare(b.user.name, 'en') ||
      a.user.id - b.user.id ||
      RIGHTS.indexOf(b.right) - RIGHTS.indexOf(a.right),
  );
}

/** A rule's name: unique in the file (one rule per user and right), and no outside text. */
export function dumpRuleName(rule: Pick<DumpRule, 'user' | 'right'>): string {
  return `user-${rule.user.id}-${rule.right.toLowerCase()}`;
}

/** The ids of a rule as the file writes them: numbers, and ranges as "a-b" strings. */
export function idTokens(ids: readonly number[]): (number | string)[] {
  return formatIdRanges(ids)
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => (w.includes('-') ? w : Number(w)));
}

/** The longest line of a list of ids: past it, the list goes on under its key. */
const LINE = 100;

/** `ids: [...]` as a YAML flow list, wrapped under its key so that no line is longer than LINE. */
function idList(ids: readonly number[], indent: string): string {
  const words = idTokens(ids).map((t) => (typeof t === 'number' ? String(t) : `"${t}"`));
  const lines: string[] = [];
  let line = `${indent}ids: [`;
  let empty = true;
  for (const word of words) {
    // The word, and after it ", " or "]".
    if (!empty && line.length + 2 + word.length + 1 > LINE) {
      lines.push(`${line},`);
      line = `${indent}  ${word}`;
    } else line = empty ? `${line}${word}` : `${line}, ${word}`;
    empty = false;
  }
  lines.push(`${line}]`);
  return lines.join('\n');
}

/** A comment line's text: outside text made inert, so that it can never end the comment. */
function comment(text: string): string {
  return inert(text);
}

function who(user: Pick<MinUser, 'id' | 'name' | 'email'>): string {
  return comment(`${user.name} <${user.email}> (#${user.id})`);
}

/** The comment that opens the file: what it is, whose, from where and when, and what it leaves out. */
function header(input: DumpInput, rules: readonly DumpRule[]): string[] {
  const users = new Set(rules.map((r) => r.user.id)).size;
  const when = `${formatAt(input.now.toISOString())} UTC`;
  const left =
    input.users !== undefined
      ? 'Only the users named with --user.'
      : input.includeManagers
        ? 'Every member but you.'
        : "Every member but you; the managers' Manage rights are left out (--include-managers adds them).";
  const mode =
    input.mode === 'authoritative'
      ? "Rules are authoritative: sync also takes a rule's right back from the projects you manage that it does not list."
      : 'Rules are additive: sync grants what a rule lists and takes nothing back.';
  return [
    `# The rights ${plural(users, 'user')} hold on ${plural(input.projects.length, 'project')} you manage, as of ${when},`,
    `# written by \`ecotaxa-access policy dump\` for ${who(input.caller)}.`,
    `# ${left}`,
    `# ${mode}`,
    '# Rights of inactive accounts, which the API never shows, are not in this file.',
    "# `ecotaxa-access plan sync FILE` plans no change until someone's rights change.",
    '#',
    '# The projects (id, title):',
    ...[...input.projects]
      .sort((a, b) => a.projid - b.projid)
      .map((p) => `#   ${String(p.projid).padStart(6)}  ${comment(p.title)}`),
  ];
}

/** The policy file (YAML, version 1) that states what each user holds now. */
export function renderDump(input: DumpInput, rules: readonly DumpRule[] = dumpRules(input)): string {
  const lines = [
    ...header(input, rules),
    `version: ${POLICY_VERSION}`,
    `server: ${JSON.stringify(input.server)}`,
    'rules:',
  ];
  for (const rule of rules) {
    lines.push(
      `  # ${who(rule.user)}: ${rule.right} on ${plural(rule.projects.length, 'project')}`,
      `  - name: ${dumpRuleName(rule)}`,
      `    user: ${rule.user.id}`,
      `    right: ${rule.right.toLowerCase()}`,
      `    mode: ${input.mode}`,
      '    projects:',
      idList(rule.projects, '      '),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The same policy as JSON (which sync reads too), without the comments. */
export function dumpDocument(input: DumpInput, rules: readonly DumpRule[] = dumpRules(input)): object {
  return {
    version: POLICY_VERSION,
    server: input.server,
    rules: rules.map((rule) => ({
      name: dumpRuleName(rule),
      user: rule.user.id,
      right: rule.right.toLowerCase(),
      mode: input.mode,
      projects: { ids: idTokens(rule.projects) },
    })),
  };
}
