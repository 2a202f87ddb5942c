import type { ScheduledJob } from '../platform/worker.ts';
import { promiseRemindersJob } from './promises/service.ts';
import { storyDigestJob } from './story-alerts/service.ts';

/** Every feature's periodic work for the background worker, in one place. A feature adds one line. */
export const scheduledJobs: readonly ScheduledJob[] = [
  promiseRemindersJob, // promise check-in reminders and supporter prompts, hourly (promises)
  storyDigestJob, // story digests by email, daily or weekly (story-alerts)
];
