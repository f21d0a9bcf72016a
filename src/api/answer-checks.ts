import { IncompleteListingError, type RequestInfo, UnexpectedAnswerError } from './errors.js';
import { matchesInstrumentFilter, matchesTitleFilter } from './filters.js';
import type { Project } from './types.js';

/*
 * Every project an answer holds must be one that was asked for: by id, or by the search's own
 * filters checked again here. A project a careless or lying server slips in would otherwise be
 * planned and written, although nobody selected it.
 */

/**
 * The most projects one listing may hold. EcoTaxa's search gives no total, so a server that
 * always answers a full page of new projects would be read forever. No owner manages this
 * many, and an administrator, whose search returns the whole server, sees fewer on EcoTaxa's
 * own instances.
 */
export const MAX_LISTED_PROJECTS = 100_000;

/** Checks a list read by id: each project asked for, and once. */
export function checkAskedIds(projects: readonly Project[], asked: ReadonlySet<number>, request: RequestInfo): void {
  const seen = new Set<number>();
  for (const project of projects) {
    if (!asked.has(project.projid)) {
      throw new UnexpectedAnswerError(request, `project ${project.projid}, which was not asked for`);
    }
    if (seen.has(project.projid)) throw new UnexpectedAnswerError(request, `project ${project.projid} twice`);
    seen.add(project.projid);
  }
}

export interface SearchFilters {
  title?: string | undefined;
  instrument?: string | undefined;
}

/**
 * Checks the pages of one search, ordered by projid, as they come: each project matches the
 * filters, ids only grow (so none comes twice, and a page sent again is caught), no page is
 * larger than asked, and the whole stays within MAX_LISTED_PROJECTS.
 */
export class ListingCheck {
  private readonly seen = new Set<number>();
  private last = 0;
  private pages = 0;

  constructor(
    private readonly filters: SearchFilters,
    private readonly pageSize: number,
    private readonly max = MAX_LISTED_PROJECTS,
  ) {}

  page(projects: readonly Project[], request: RequestInfo): void {
    this.pages++;
    if (projects.length > this.pageSize) {
      throw new IncompleteListingError(
        request,
        `page ${this.pages} holds ${projects.length} projects where ${this.pageSize} were asked for`,
      );
    }
    for (const project of projects) {
      const id = project.projid;
      if (this.seen.has(id)) {
        throw new IncompleteListingError(
          request,
          `page ${this.pages} lists project ${id} a second time (does the server ignore window_start?)`,
        );
      }
      if (id < this.last) {
        throw new IncompleteListingError(
          request,
          `project ${id} comes after project ${this.last}, although the listing was asked in order of id`,
        );
      }
      this.seen.add(id);
      this.last = id;
      this.checkFilters(project, request);
      if (this.seen.size > this.max) {
        throw new IncompleteListingError(
          request,
          `it goes past ${this.max.toLocaleString('en')} projects, the most one listing may hold (EcoTaxa gives no total, and no owner has that many)`,
        );
      }
    }
  }

  private checkFilters(project: Project, request: RequestInfo): void {
    const { title, instrument } = this.filters;
    if (title !== undefined && !matchesTitleFilter(project, title)) {
      throw new UnexpectedAnswerError(
        request,
        `project ${project.projid}, which does not match title_filter ${JSON.stringify(title)}`,
      );
    }
    if (instrument !== undefined && !matchesInstrumentFilter(project, instrument)) {
      throw new UnexpectedAnswerError(
        request,
        `project ${project.projid}, which does not match instrument_filter ${JSON.stringify(instrument)}`,
      );
    }
  }
}
