import type { Project } from './types.js';

/*
 * EcoTaxa's project filters, applied here exactly as the server applies them: to select among
 * projects read by id, and to check that a search answered only projects that match.
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
 */
function ilikeContains(value: string, pattern: string): boolean {
  const regex = [...pattern]
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(regex, 'is').test(value);
}
