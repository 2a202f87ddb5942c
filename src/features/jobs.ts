import type { ScheduledJob } from '../platform/worker.ts';

/** Every feature's periodic work for the background worker, in one place. A feature adds one line. */
export const scheduledJobs: readonly ScheduledJob[] = [
];
