/**
 * Text from outside (titles, names, emails, contact names, rule names, EcoTaxa's error texts,
 * file names) made inert for a terminal: every character that a terminal acts on, or that
 * hides or reorders what is shown, is replaced by a visible escape such as `\x1b` or `\u202e`.
 * Letters, digits, punctuation, accents, CJK and emoji (their joiners included) are kept as
 * they are. `--json` keeps the exact text; every other path to a terminal goes through here.
 *
 * What is escaped:
 * - C0 controls and DEL (ESC starts every terminal command; CR rewrites a line; BS erases);
 * - C1 controls U+0080–U+009F (U+009B is CSI on terminals that read 8-bit controls);
 * - bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069 and the marks
 *   U+200E, U+200F, U+061C (they reorder what follows: "Trojan source");
 * - zero-width and invisible characters U+200B, U+200C, U+2060–U+2064, U+FEFF, U+180E, and
 *   U+200D (the zero-width joiner) except between two emoji, where it joins them;
 * - line and paragraph separators U+2028, U+2029;
 * - tag characters U+E0000–U+E007F except inside an emoji tag sequence (a subdivision flag);
 * - lone surrogates (an answer's `\ud800`), which no terminal can show.
 */
const SUSPECT =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/u;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** An emoji, optionally followed by its presentation selector, right before a joiner. */
const EMOJI_BEFORE = /\p{Extended_Pictographic}\ufe0f?$|[\u{1f3fb}-\u{1f3ff}]$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;
/** U+1F3F4 (waving black flag) starts a tag sequence (a subdivision flag such as Scotland's). */
const BLACK_FLAG = 0x1f3f4;

function escape(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** Every character to look at, tag characters included: one native scan finds them all. */
const SUSPECT_ALL = new RegExp(`${SUSPECT.source}|[\\u{e0000}-\\u{e007f}]`, 'gu');

/**
 * `text` safe to print on a terminal: see above. Linear in the length of `text`, and only the
 * characters to escape are looked at one by one (a long title with one escape in it is one scan).
 */
export function inert(text: string): string {
  // Most texts have nothing to escape but may still hold tag characters (astral, not in SUSPECT).
  if (!SUSPECT.test(text) && !/[\u{e0000}-\u{e007f}]/u.test(text)) return text;
  // Where the last tag character kept ended: a tag is kept only in an unbroken run of tags
  // right after the black flag, never after a tag that was itself escaped ("ASCII smuggling").
  let tagRunEnd = -1;
  return text.replace(SUSPECT_ALL, (char: string, index: number) => {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0x200d) {
      // Look only at the characters next to the joiner, never the whole text (linear time).
      const before = text.slice(Math.max(0, index - 3), index);
      const after = text.slice(index + 1, index + 3);
      return EMOJI_BEFORE.test(before) && EMOJI_AFTER.test(after) ? char : escape(char);
    }
    if (code >= 0xe0000 && code <= 0xe007f) {
      const inFlag = index === tagRunEnd || (index >= 2 && text.codePointAt(index - 2) === BLACK_FLAG);
      if (!inFlag) return escape(char);
      tagRunEnd = index + char.length;
      return char;
    }
    return escape(char);
  });
}

/** Whether `text` would be shown differently by `inert` (it holds something a terminal acts on). */
export function isInert(text: string): boolean {
  return inert(text) === text;
}

/** `inert` line by line: for messages of several lines, whose line ends are ours. */
export function inertLines(text: string): string {
  return text.includes('\n') ? text.split('\n').map(inert).join('\n') : inert(text);
}

/**
 * The colour codes our own chalk instances write, and nothing else: bold and dim (ended by
 * 22), red, green, yellow, magenta, cyan (ended by 39). A code that hides text (8, or black
 * on black) is never among them.
 */
// eslint-disable-next-line no-control-regex
const OUR_COLOURS = /\u001b\[(?:1|2|22|31|32|33|35|36|39)m/g;

/** Anything `inert` would escape, a line end aside (the fast path of `terminalSafe`). */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]|[\u{e0000}-\u{e007f}]/u;

/**
 * The output layer's last guard, on every text written for a person: our own colour codes
 * and line ends pass; every other escape sequence, control, bidirectional or invisible
 * character is shown as `inert` shows it. Outside text is made inert before it is coloured,
 * so a colour code inside it never reaches here as one. Linear in the length of `text`.
 */
export function terminalSafe(text: string): string {
  if (!UNSAFE.test(text)) return text;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(OUR_COLOURS)) {
    out += inertLines(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + inertLines(text.slice(last));
}
