import type { FakeEcoTaxa, FakeRequest } from './fake-ecotaxa.js';
import type { Fault, FaultSchedule } from './fake-server.js';

/*
 * A careless or lying EcoTaxa, as fault schedules for startFakeServer: each answers a request
 * with the fake's own, well-formed answer to another request, so that only what was asked
 * for is wrong.
 */

const apiPath = (req: FakeRequest): string => req.path.replace(/^\/api(?=\/)/, '');

/** The fake's own answer to `req` with another query, as an injected answer. */
function answerAs(fake: FakeEcoTaxa, req: FakeRequest, query: URLSearchParams): Fault {
  const honest = fake.handle({ ...req, query });
  return { kind: 'answer', status: honest.status, body: JSON.parse(honest.body) as unknown };
}

/**
 * `GET /projects?project_ids=ASKED` (exactly that query) answered with project `instead`, on
 * the reads `when` picks (by how many times that read was seen, 1 first; default every one).
 */
export function readAnsweredWith(
  fake: FakeEcoTaxa,
  asked: string,
  instead: number,
  when: (nth: number) => boolean = () => true,
): FaultSchedule {
  let nth = 0;
  return (req) => {
    if (req.method !== 'GET' || apiPath(req) !== '/projects' || req.query.get('project_ids') !== asked)
      return undefined;
    nth++;
    return when(nth) ? answerAs(fake, req, new URLSearchParams({ project_ids: String(instead) })) : undefined;
  };
}

/** A search that ignores `window_start`: every page is the first. */
export function ignoresWindowStart(fake: FakeEcoTaxa): FaultSchedule {
  return (req) => {
    if (req.method !== 'GET' || apiPath(req) !== '/projects/search') return undefined;
    const query = new URLSearchParams(req.query);
    query.set('window_start', '0');
    return answerAs(fake, req, query);
  };
}

/** A search that ignores `title_filter` and `instrument_filter`: every project comes back. */
export function ignoresFilters(fake: FakeEcoTaxa): FaultSchedule {
  return (req) => {
    if (req.method !== 'GET' || apiPath(req) !== '/projects/search') return undefined;
    const query = new URLSearchParams(req.query);
    query.delete('title_filter');
    query.delete('instrument_filter');
    return answerAs(fake, req, query);
  };
}

/** Every schedule asked in turn; the first fault wins. */
export function allOf(...schedules: FaultSchedule[]): FaultSchedule {
  return (req, index) => {
    for (const schedule of schedules) {
      const fault = schedule(req, index);
      if (fault !== undefined) return fault;
    }
    return undefined;
  };
}
