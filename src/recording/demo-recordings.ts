import planGrant from '../../fixtures/demo/plan-grant.json' with { type: 'json' };
import planRevoke from '../../fixtures/demo/plan-revoke.json' with { type: 'json' };
import projectsList from '../../fixtures/demo/projects-list.json' with { type: 'json' };
import whoami from '../../fixtures/demo/whoami.json' with { type: 'json' };

/**
 * fixtures/demo, bundled into the binary by esbuild (and read by vitest in tests), so that
 * `ecotaxa-access demo` needs no file on disk: it runs from any folder, from the npm package
 * and from the single executable. Keep it in step with the folder (a test checks).
 */
export const DEMO_RECORDINGS: Readonly<Record<string, unknown>> = {
  'plan-grant.json': planGrant,
  'plan-revoke.json': planRevoke,
  'projects-list.json': projectsList,
  'whoami.json': whoami,
};
