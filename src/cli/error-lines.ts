import { inert } from '../output/inert.js';

/*
 * The error boundary's texts (src/cli/main.ts) as lines on stderr. The `error:` line is one
 * line whatever it quotes: a line end in a server's text, a title or an argument is shown as
 * an escape (`\n`), so that nothing quoted can add a line of its own, such as a forged
 * `error:` or a summary, for a person or a script reading stderr line by line. What
 * `--verbose` adds under it keeps its lines, but no line of outside text starts where ours do.
 */

/**
 * Commander's "(Did you mean --json?)", which it puts on a line of its own at the end of its
 * error; it names only our own commands and options.
 */
const SUGGESTION = /\n(\(Did you mean [^\n]*\?\))$/;

/**
 * Commander's error message (`error: unknown option '--x'`, with its line end), which quotes
 * the argument as typed: one line, its suggestion after it on the same line.
 */
export function commanderErrorLine(text: string): string {
  const message = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${inert(message.replace(SUGGESTION, ' $1'))}\n`;
}

/**
 * Outside text of several lines meant to be read as such (EcoTaxa's traceback, an answer's
 * body): each line inert and indented, so that none can pass for a line of ours.
 */
export function quotedLines(text: string): string[] {
  // Without its last line ends (a loop: a regular expression would be quadratic on many).
  let end = text.length;
  while (end > 0 && text[end - 1] === '\n') end--;
  return text
    .slice(0, end)
    .split('\n')
    .map((line) => `  ${inert(line)}`);
}

/**
 * A stack trace: the error's name and message on one line (the message may quote a server),
 * then its frames, each on its own line as V8 writes them (`    at ...`, indented already).
 * `redact` removes the secrets from each text before it is shown.
 */
export function stackLines(err: Error, redact: (text: string) => string): string[] {
  const head = redact(String(err));
  const stack = redact(err.stack ?? '');
  const frames = stack.startsWith(head) ? stack.slice(head.length) : stack;
  return [
    inert(head),
    ...frames
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .map(inert),
  ];
}
