import { UsageError } from '../errors.js';
import type { Invocation } from './program.js';

/*
 * An empty or blank value on the command line is nearly always a script's unset variable
 * (`grant --title "$CRUISE" --yes` with CRUISE unset). Taken as given, an empty filter matches
 * every project, an empty --exclude leaves nothing out, and an empty --user or path falls back
 * to something nobody named. So no option and no argument may be blank: refused before
 * anything is read or sent, naming the option.
 */

/** `idsFrom` → `--ids-from`: commander's attribute name back to the flag as typed. */
function flagOf(attribute: string): string {
  return `--${attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function isBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() === '';
}

function refusal(what: string, value: string): UsageError {
  const shown = value === '' ? 'empty' : `blank (${JSON.stringify(value)})`;
  return new UsageError(
    `${what} is ${shown}: give a value or leave it out (an unset variable in a script?); nothing was read or sent`,
  );
}

/** Throws a usage error for the first blank option value (global or the command's) or argument. */
export function refuseBlankValues(invocation: Pick<Invocation, 'name' | 'args' | 'options' | 'globals'>): void {
  for (const [key, value] of [...Object.entries(invocation.globals), ...Object.entries(invocation.options)]) {
    // Repeatable options (--exclude) come as arrays.
    for (const one of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (isBlank(one)) throw refusal(flagOf(key), one);
    }
  }
  invocation.args.forEach((arg, i) => {
    if (isBlank(arg)) throw refusal(`argument ${i + 1} of \`${invocation.name}\``, arg);
  });
}
