import { parseArgs } from 'node:util';
import { type Fault, startFakeServer } from './fake-server.js';
import { scriptedFaults } from './faults.js';
import { COLLEAGUE, OWNER } from './people.js';
import { A, M, addScaleProjects, seedScale, seedWorld } from './seed.js';

/*
 * The fake EcoTaxa on 127.0.0.1, for trying the tool by hand at a real terminal:
 *
 *   npx tsx test/support/demo-server.ts --scale 316 --latency 20 --fail 1017,1042,1099
 *   # then, in another terminal, the two lines it prints, and e.g.
 *   node bin/ecotaxa-access.js grant --all
 *
 * --scale N   Olivia Owner's N projects of seedScale (ids from 1001), a few with Chinese,
 *             Japanese, Korean or emoji titles; without it, the 36 projects of seedWorld.
 * --world     with --scale: the 36 projects of seedWorld too (every kind of project, at scale;
 *             the README's walkthrough is captured so: test/support/capture-walkthrough.py).
 * --latency   milliseconds added to every answer (the progress bar needs time to be seen).
 * --fail IDS  writes to these projects fail: the first for good (403), the second after a
 *             long series of 503s (retried until the project's time budget runs out), any
 *             other with EcoTaxa's 422 about the contact.
 * Ctrl-C stops it. Nothing here is a real account or a real token.
 */

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    world: { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    fail: { type: 'string', default: '' },
  },
});

const TITLES: Record<number, string> = {
  1005: '东海浮游动物调查 2019',
  1012: '🦐 Krill larvae 🦑 Kiel Bight',
  1023: '日本海プランクトン時系列 / 동해 플랑크톤',
  1031: 'Mer Méditerranée – point B (zooplancton)',
};

const fake = values.scale === undefined || values.world ? seedWorld() : seedScale(Number(values.scale));
if (values.scale !== undefined && values.world) addScaleProjects(fake, Number(values.scale));
for (const [id, title] of Object.entries(TITLES)) {
  const project = fake.projects.get(Number(id));
  if (project !== undefined) project.title = title;
}
// Two legacy projects EcoTaxa refuses to update (API-NOTES): no contact, a contact not a manager
// (with --world, the seed's own legacy projects 8, 9 and 10 play that part).
const noContact = values.world ? undefined : fake.projects.get(1041);
if (noContact !== undefined) {
  noContact.title = 'North Sea herring larvae 2008 (no contact)';
  noContact.privileges = noContact.privileges.map((row) => ({ ...row, contact: false }));
}
const legacy = values.world ? undefined : fake.projects.get(1050);
if (legacy !== undefined) {
  legacy.title = 'Bornholm Basin larval fish (legacy contact)';
  legacy.privileges = [M(OWNER.id), A(COLLEAGUE.id, 'C')];
}

const failing = values.fail
  .split(',')
  .filter((s) => s.trim() !== '')
  .map(Number);
const FAULTS: ((nth: number) => Fault)[] = [
  () => ({ kind: 'answer', status: 403, body: { detail: "You can't do this." } }),
  () => ({ kind: 'status', status: 503 }),
  () => ({
    kind: 'answer',
    status: 422,
    body: { detail: 'Could not set Contact, the designated user is not in Managers list.' },
  }),
];
const script = Object.fromEntries(
  failing.map((id, i) => [`PUT /projects/${id}`, FAULTS[Math.min(i, FAULTS.length - 1)] as (nth: number) => Fault]),
);

const server = await startFakeServer(fake, {
  latencyMs: Number(values.latency),
  faults: failing.length === 0 ? undefined : scriptedFaults(script),
});
process.stdout.write(
  `export ECOTAXA_URL=${server.url}\nexport ECOTAXA_TOKEN=${fake.tokenFor(OWNER.id)}\n# ${fake.projects.size} projects; Ctrl-C stops the server\n`,
);
process.on('SIGINT', () => {
  void server.close().then(() => process.exit(0));
});
