import { blankProjectFields } from './fake-ecotaxa.js';
import { COLLEAGUE, OWNER, member } from './people.js';

/*
 * What the real EcoTaxa answers, as bodies for nock or a loopback server: the caller, a
 * project, the tracebacks of its 500s, a reverse proxy's error page.
 */

/** GET /users/me as the real back end answers it, for Olivia Owner. */
export const ME_BODY = {
  id: OWNER.id,
  email: OWNER.email,
  name: OWNER.name,
  country: 'Germany',
  orcid: null,
  usercreationdate: '2026-11-26T20:14:45.072930',
  password: '?',
  status: 1,
  status_date: '2026-11-26T20:14:45.073548',
  status_admin_comment: null,
  usercreationreason: null,
  mail_status: false,
  mail_status_date: '2026-11-26T20:14:45.073548',
  organisation: OWNER.organisation,
  can_do: [1, 4],
  last_used_projects: [
    { projid: 32, title: 'Archive: old Zooscan scans 2009-2012' },
    { projid: 29, title: 'Flensburg Fjord VPR' },
    { projid: 31, title: 'Kiel Bight summer survey 2023' },
    { projid: 30, title: 'Kiel Bight winter survey 2023' },
    { projid: 28, title: 'Lake Plön freshwater plankton' },
  ],
};

/** A project item as /projects/search answers it (the shape of the real back end's project 1). */
export function projectBody(projid: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    projid,
    title: `Project ${projid}`,
    access: '1',
    status: 'Annotate',
    ...blankProjectFields(),
    managers: [member(OWNER)],
    annotators: [member(COLLEAGUE)],
    viewers: [],
    contact: member(OWNER),
    instrument: 'Zooscan',
    instrument_url: 'http://vocab.nerc.ac.uk/collection/L22/current/TOOL1581/',
    highest_right: '',
    ...extra,
  };
}

/** EcoTaxa's 500 for a PUT naming one user in two lists, its traceback as the server prints it. */
export const TRACEBACK_61 = `
----------- BACK-END -------------
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/base.py", line 1900, in _execute_context
    self.dialect.do_execute(
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/default.py", line 736, in do_execute
    cursor.execute(statement, parameters)
sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "IS_ProjectsPriv"
DETAIL:  Key (projid, member)=(4, 10) already exists.
[SQL: INSERT INTO projectspriv (id, projid, member, privilege, extra) VALUES (nextval('seq_projectspriv'), %(projid)s, %(member)s, %(privilege)s, %(extra)s) RETURNING projectspriv.id]
[parameters: {'projid': 4, 'member': 10, 'privilege': 'View', 'extra': None}]
(Background on this error at: https://sqlalche.me/e/14/gkpj)
`;

/** EcoTaxa's 500 for project_ids separated by ';'. */
export const TRACEBACK_42 = `
----------- BACK-END -------------
Traceback (most recent call last):
  File "/src/py/DB/helpers/ORM.py", line 636, in projects_for_user
    {"pids": tuple([int(p.strip()) for p in project_ids.split(",")])}
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/src/py/DB/helpers/ORM.py", line 636, in <listcomp>
    {"pids": tuple([int(p.strip()) for p in project_ids.split(",")])}
                    ^^^^^^^^^^^^^^
ValueError: invalid literal for int() with base 10: '1;2'
`;

/** A reverse proxy's error page. */
export function proxyPage(status: number, phrase: string): string {
  return `<html>\r\n<head><title>${status} ${phrase}</title></head>\r\n<body>\r\n<center><h1>${status} ${phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
