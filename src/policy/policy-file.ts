import { z } from 'zod';
import { normalizeServerUrl } from '../config/server-url.js';
import { InputError, UsageError } from '../errors.js';
import { parseYamlFile } from '../files/yaml.js';
import { inert } from '../output/inert.js';
import { RIGHTS, type Right } from '../plan/rights.js';
import { parseIdTokens } from '../selection/selectors.js';
import { Positions } from './positions.js';
import { nearest } from './suggest.js';

/*
 * A sharing policy (README "Sharing as code"): YAML or JSON, parsed by `yaml` (which keeps
 * every node's position, so that an error names the line) and checked by a strict zod
 * schema. Pure: text in, a Policy or one InputError line out.
 */

export const POLICY_VERSION = 1;
export const MODES = ['additive', 'authoritative'] as const;
export type Mode = (typeof MODES)[number];

/** Which projects a rule is about, among those the caller manages: every given selector must match. */
export interface RuleSelectors {
  all: boolean;
  /** `ids`, ranges expanded; undefined when not given. */
  ids: ReadonlySet<number> | undefined;
  /** The ids `ids` names one by one (not from ranges): a note says when one is not yours. */
  namedIds: readonly number[];
  /** Any of these (EcoTaxa's title filter); empty when not given. */
  title: readonly string[];
  /** Any of these (EcoTaxa's instrument filter); empty when not given. */
  instrument: readonly string[];
  exclude: ReadonlySet<number>;
}

export interface PolicyRule {
  /** Its place in `rules`, from 0 (as error messages say: rules[0]). */
  index: number;
  name: string | undefined;
  /** As written: an id, an exact email or an exact name (like --user). */
  user: string;
  right: Right;
  projects: RuleSelectors;
  mode: Mode;
  /** YYYY-MM-DD (UTC): from that day on, the rule takes back what it gives. */
  until: string | undefined;
  /** Where the rule starts, and its `user` key, in the file (from 1). */
  line: number;
  userLine: number;
}

export interface Policy {
  /** The file as given on the command line. */
  file: string;
  server: { url: string; line: number } | undefined;
  rules: PolicyRule[];
}

/** "rules[2]", or `rules[2] "uvp-paper"` for a named rule: how messages name a rule. */
export function ruleName(rule: Pick<PolicyRule, 'index' | 'name'>): string {
  return rule.name === undefined ? `rules[${rule.index}]` : `rules[${rule.index}] "${rule.name}"`;
}

/** The short label plan lines carry: the rule's name, else rules[i]. */
export function ruleLabel(rule: Pick<PolicyRule, 'index' | 'name'>): string {
  return rule.name ?? `rules[${rule.index}]`;
}

/** A value from the file, for a message: quoted, and cut short. */
function shown(input: unknown): string {
  const text = input === undefined ? 'nothing' : (JSON.stringify(input) ?? typeof input);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A zod error message: what is missing, or what is wrong with the value given. */
function message(missing: string, wrong: (input: unknown) => string) {
  return (issue: { input?: unknown }): string =>
    issue.input === undefined ? `missing: ${missing}` : wrong(issue.input);
}

const RIGHT_HINT = 'use view, annotate or manage';
const ID_HINT = 'ids are whole numbers such as 101, ranges look like "2001-2010"';

/** A value matched case-insensitively against a list of words. */
function oneOf<const T extends string>(words: readonly T[], what: string, hint: string) {
  const wrong = (input: unknown): string => `${shown(input)} is not ${what}: ${hint}`;
  return z.string({ error: message(hint, wrong) }).transform((text, ctx): T => {
    const found = words.find((w) => w.toLowerCase() === text.trim().toLowerCase());
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: wrong(text), input: text });
      return z.NEVER;
    }
    return found;
  });
}

const idToken = z.union([z.number(), z.string()], {
  error: (issue) => `${shown(issue.input)} is not a project id: ${ID_HINT}`,
});
const idTokens = z.union([idToken, z.array(idToken).min(1, { error: `an empty list: ${ID_HINT}` })], {
  error: (issue) => `${shown(issue.input)} is not a list of project ids: ${ID_HINT}`,
});

const text = z.union([z.string().trim().min(1), z.number()]).transform(String);
const texts = (what: string) =>
  z.union([text, z.array(text).min(1, { error: `an empty list: give a text, or a list of texts` })], {
    error: (issue) => `${shown(issue.input)} is not ${what}: give a text, or a list of texts (any of them matches)`,
  });

const selectorsSchema = z.strictObject(
  {
    all: z
      .literal(true, {
        error: (issue) => `${shown(issue.input)}: write "all: true" for every project you manage, or leave it out`,
      })
      .optional(),
    ids: idTokens.optional(),
    title: texts('a title filter').optional(),
    instrument: texts('an instrument filter').optional(),
    exclude: idTokens.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? issue.input === undefined
          ? 'missing: say which projects ("all: true" for every project you manage)'
          : `${shown(issue.input)}: give selectors, e.g. "all: true" or "instrument: UVP6"`
        : undefined,
  },
);

const ruleSchema = z.strictObject(
  {
    name: z
      .string({ error: (issue) => `${shown(issue.input)} is not a name: give a short text` })
      .trim()
      .min(1, { error: 'an empty name: give a short text, or leave it out' })
      .optional(),
    user: z.union([z.string().trim().min(1), z.number().int().positive()], {
      error: message(
        'whose right: an id, an exact email or an exact name',
        (input) => `${shown(input)} is not a user: give an id, an exact email or an exact name`,
      ),
    }),
    right: oneOf(RIGHTS, 'a right', RIGHT_HINT),
    projects: selectorsSchema,
    mode: oneOf(MODES, 'a mode', 'use additive (the default) or authoritative').optional(),
    until: z
      .string({ error: (issue) => `${shown(issue.input)} is not a date: write YYYY-MM-DD, e.g. 2027-07-31` })
      .refine(isDate, { error: (issue) => `${shown(issue.input)} is not a date: write YYYY-MM-DD, e.g. 2027-07-31` })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? `${shown(issue.input)} is not a rule: give user, right and projects` : undefined,
  },
);

const policySchema = z.strictObject(
  {
    version: z.literal(POLICY_VERSION, {
      error: message(
        `start the file with "version: ${POLICY_VERSION}"`,
        (input) =>
          `${shown(input)} is not a policy version this ecotaxa-access reads: write "version: ${POLICY_VERSION}"`,
      ),
    }),
    server: z.string({ error: (issue) => `${shown(issue.input)} is not a URL` }).optional(),
    rules: z
      .array(ruleSchema, {
        error: message('list at least one rule', (input) => `${shown(input)} is not a list of rules ("- user: ...")`),
      })
      .min(1, { error: 'no rule: list at least one' }),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'not a policy: expected "version: 1", an optional "server" and a list of "rules"'
        : undefined,
  },
);

/** The keys each level of the file knows, for "unknown key" messages. */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(policySchema.shape);
  if (path.length === 2) return Object.keys(ruleSchema.shape);
  return Object.keys(selectorsSchema.shape);
}

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function listOf(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** `rules[1].projects.ids[0]`: a path as the file's reader would write it. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function fail(file: string, line: number, path: readonly PropertyKey[], why: string): never {
  const where = path.length === 0 ? '' : `${pathText(path)}: `;
  throw new InputError(`${inert(file)}:${line}: ${inert(`${where}${why}`)}`);
}

/** The ids of `ids` or `exclude`, each token checked where it is written. */
function idsOf(
  tokens: number | string | (number | string)[],
  path: readonly PropertyKey[],
  file: string,
  at: Positions,
): { all: Set<number>; named: number[] } {
  const list = Array.isArray(tokens) ? tokens : [tokens];
  const all = new Set<number>();
  const named: number[] = [];
  list.forEach((token, i) => {
    const tokenPath = Array.isArray(tokens) ? [...path, i] : path;
    try {
      const ids = parseIdTokens([String(token)]);
      for (const id of ids.single) named.push(id);
      for (const id of [...ids.single, ...ids.ranged]) all.add(id);
    } catch (err) {
      if (err instanceof UsageError) fail(file, at.line(tokenPath), tokenPath, err.message);
      throw err;
    }
  });
  // The limit on a selection's size holds for the whole list too.
  try {
    parseIdTokens(list.map(String));
  } catch (err) {
    if (err instanceof UsageError) fail(file, at.line(path), path, err.message);
    throw err;
  }
  return { all, named };
}

/**
 * The first problem in the file's order. An unknown key close to a known one (`rulez`, `rigth`)
 * is a typo of it: it is named with the key meant, and that key's "missing" is left out, since
 * it is the same mistake seen from the other side.
 */
function firstProblem(
  issues: readonly z.core.$ZodIssue[],
  at: Positions,
): { line: number; path: readonly PropertyKey[]; why: string } {
  const meant = new Set<string>();
  const problems = issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [];
    return issue.keys.map((key) => {
      const near = nearest(key, knownKeys(issue.path));
      if (near !== undefined) meant.add(pathText([...issue.path, near]));
      return {
        line: at.line(issue.path, key),
        path: [...issue.path, key.length > 40 ? `${key.slice(0, 37)}...` : key],
        why:
          near === undefined
            ? `unknown key: use ${listOf(knownKeys(issue.path))}`
            : `unknown key (did you mean ${near}?)`,
      };
    });
  });
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    if (issue.input === undefined && meant.has(pathText(issue.path))) continue;
    problems.push({ line: at.line(issue.path), path: issue.path, why: issue.message });
  }
  return problems.reduce((a, b) => (b.line < a.line ? b : a));
}

/**
 * One rule as parsed, checked beyond its schema: it selects something, and its name is its
 * own (`names` holds the names of the rules before it).
 */
function toRule(
  rule: z.infer<typeof ruleSchema>,
  index: number,
  names: Map<string, number>,
  file: string,
  at: Positions,
): PolicyRule {
  const path = ['rules', index];
  const selectors = rule.projects;
  if (
    selectors.all === undefined &&
    selectors.ids === undefined &&
    selectors.title === undefined &&
    selectors.instrument === undefined
  ) {
    fail(
      file,
      at.line([...path, 'projects']),
      [...path, 'projects'],
      'selects no project: give all, ids, title or instrument ("all: true" for every project you manage)',
    );
  }
  if (rule.name !== undefined) {
    const earlier = names.get(rule.name);
    if (earlier !== undefined) {
      fail(
        file,
        at.line([...path, 'name']),
        [...path, 'name'],
        `"${rule.name}" names rules[${earlier}] too: give each rule its own name`,
      );
    }
    names.set(rule.name, index);
  }
  const ids = selectors.ids === undefined ? undefined : idsOf(selectors.ids, [...path, 'projects', 'ids'], file, at);
  const exclude =
    selectors.exclude === undefined ? undefined : idsOf(selectors.exclude, [...path, 'projects', 'exclude'], file, at);
  const many = (value: string | string[] | undefined): string[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return {
    index,
    name: rule.name,
    user: String(rule.user),
    right: rule.right,
    projects: {
      all: selectors.all === true,
      ids: ids?.all,
      namedIds: ids?.named ?? [],
      title: many(selectors.title),
      instrument: many(selectors.instrument),
      exclude: exclude?.all ?? new Set(),
    },
    mode: rule.mode ?? 'additive',
    until: rule.until,
    line: at.line(path),
    userLine: at.line([...path, 'user']),
  };
}

/**
 * Reads a policy. Any problem is one InputError line: `FILE:LINE: KEY: what is wrong`, the
 * first in the file's order.
 */
export function parsePolicy(text: string, file: string): Policy {
  const { doc, lines, value: raw } = parseYamlFile(text, file);
  const at = new Positions(doc, lines);
  if (raw === null || raw === undefined) {
    throw new InputError(
      `${file}:1: the file is empty: a policy starts with "version: ${POLICY_VERSION}" and lists rules`,
    );
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const first = firstProblem(parsed.error.issues, at);
    fail(file, first.line, first.path, first.why);
  }
  const policy = parsed.data;

  let server: Policy['server'];
  if (policy.server !== undefined) {
    const line = at.line(['server']);
    try {
      server = { url: normalizeServerUrl(policy.server, ''), line };
    } catch (err) {
      if (err instanceof UsageError) fail(file, line, ['server'], err.message.trim());
      throw err;
    }
  }

  const names = new Map<string, number>();
  const rules = policy.rules.map((rule, index) => toRule(rule, index, names, file, at));
  return { file, server, rules };
}

/** Refuses a policy written for another server than the one in use, naming both. */
export function checkServer(policy: Policy, serverUrl: string): void {
  if (policy.server === undefined || policy.server.url === serverUrl) return;
  throw new InputError(
    `${policy.file}:${policy.server.line}: server: the policy is for ${policy.server.url}, but the server in use is ${serverUrl}: use --url ${policy.server.url}, or change the policy's server`,
  );
}
