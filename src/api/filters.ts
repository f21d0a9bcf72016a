import type { Project } from './types.js';

/*
 * EcoTaxa's project filters, applied here exactly as the server applies them: to select among
 * projects read by id, and to check that a search answered only projects that match
 * (docs/ecotaxa-api.md#project-reads).
 */

/**
 * EcoTaxa's `title_filter`: a case-insensitive substring of the title, or a project id that
 * ends with the text.
 */
export function matchesTitleFilter(project: Pick<Project, 'projid' | 'title'>, filter: string): boolean {
  return ilikeContains(project.title, filter) || String(project.projid).endsWith(filter);
}

/** EcoTaxa's `instrument_filter`: a case-insensitive substring of the instrument. */
export function matchesInstrumentFilter(project: Pick<Project, 'instrument'>, filter: string): boolean {
  return ilikeContains(project.instrument ?? '', filter);
}

/**
 * SQL `value ILIKE '%pattern%'`, as the server filters: case-insensitive, with "%" (any run
 * of characters) and "_" (any one character) as wildcards, so local and server filters agree.
 * Every other character, "." and "*" included, stands for itself. "_" is one UTF-16 code unit.
 */
function ilikeContains(value: string, pattern: string): boolean {
  return wildcardMatch(foldCase(value), foldCase(`%${pattern}%`));
}

const ANY_RUN = 0x25; // %
const ANY_ONE = 0x5f; // _

/**
 * Whether the whole `value` matches `pattern`, in at most pattern × value steps. Both come from
 * outside (a selector, a title): a regular expression built from `%a%a%a…%b` backtracks through
 * every way of placing each "a", which takes years on a long title. Here a mismatch only goes
 * back to the last "%" seen, one character further each time: what an earlier "%" matched
 * never needs to change, since the last one can absorb anything more.
 */
function wildcardMatch(value: Uint16Array, pattern: Uint16Array): boolean {
  let v = 0;
  let p = 0;
  /** Just after the last "%" seen in the pattern, and where its match in the value ends. */
  let afterRun = -1;
  let runEnd = 0;
  while (v < value.length) {
    const want = pattern[p];
    if (want === ANY_RUN) {
      p++;
      afterRun = p;
      runEnd = v;
    } else if (want !== undefined && (want === ANY_ONE || want === value[v])) {
      p++;
      v++;
    } else if (afterRun >= 0) {
      p = afterRun;
      runEnd++;
      v = runEnd;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY_RUN) p++;
  return p === pattern.length;
}

/**
 * The text's UTF-16 code units, each folded as a RegExp with the `i` flag (and no `u`) folds
 * it: to its upper case, unless that takes more than one code unit ("ß") or turns a non-ASCII
 * letter into an ASCII one ("ſ", "ı").
 */
function foldCase(text: string): Uint16Array {
  const folded = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      folded[i] = unit >= 0x61 && unit <= 0x7a ? unit - 0x20 : unit;
    } else {
      const upper = String.fromCharCode(unit).toUpperCase();
      folded[i] = upper.length === 1 && upper.charCodeAt(0) >= 0x80 ? upper.charCodeAt(0) : unit;
    }
  }
  return folded;
}
