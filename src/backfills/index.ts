/**
 * Every backfill job `npm run backfill` knows. Add a job: write its file, list it here (the job
 * files `migrate:new` and `migrate:lint -- --fix` write are listed for you).
 */
import type { BackfillJob } from '#kit/backfill/job.ts';
import { postSlugBackfill } from './post-slug.ts';
import { userDisplayName } from './user-display-name.ts';
import { userTimezone } from './user-timezone.ts';

export const backfillJobs: BackfillJob[] = [userTimezone, userDisplayName, postSlugBackfill];
