/**
 * What the kit's machinery needs from this project, in one place: the kit's scripts read this
 * file, never the team's code directly. The paths stay the Prisma and kit conventions
 * (prisma/migrations, prisma/reference, src/backfills), declared once in src/kit/settings.ts.
 * The backfill jobs are loaded only by the commands that run them, so a job you are still
 * writing doesn't stop `setup` or a deploy's reference seed. The dev seed
 * (src/seeding/dev-seed.ts) is the project's too; `npm run seed:dev` and `setup` load it only
 * when they seed, because it brings faker and the Prisma Client.
 */
import { defineKitConfig } from '#kit/kit-config.ts';
import { referenceTables } from './prisma/reference/tables.ts';

export default defineKitConfig({
  backfillJobs: () => import('./src/backfills/index.ts'),
  referenceTables,
  // What this service sets differently from the kit's policy (DEFAULT_POLICY in
  // src/kit/kit-config.ts: the plan gate's row limit, data probes, deploy retries and preflight,
  // the rehearsal's rows and write budget, lint rules turned off with a reason), e.g.:
  // policy: { planMaxRows: 1_000_000, lintRulesOff: { 'prefer-jsonb': 'json values are never compared here' } },
});
