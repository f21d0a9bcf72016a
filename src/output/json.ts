/**
 * Characters JSON.stringify leaves as they are although a terminal would act on them, or
 * not show them: DEL and C1 controls, bidirectional marks and overrides, zero-width and
 * invisible characters, line and paragraph separators, tag characters. They only ever
 * occur inside strings (JSON's own syntax is ASCII).
 */
const UNSEEN =
  /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/gu;

/** `\uXXXX` for each UTF-16 unit of `char` (a surrogate pair for a tag character). */
function escapeUnits(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * The one writer of --json documents: indented JSON whose strings, once parsed, are the
 * exact texts (titles, names, EcoTaxa's messages), but which stays inert when a person
 * prints it on a terminal (JSON.stringify already escapes C0 controls and lone surrogates;
 * this escapes the rest as `\uXXXX`).
 */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(UNSEEN, escapeUnits);
}
