import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { startSmtp } from '../../../test/support/smtp.ts';
import { createMailer } from '../../platform/outbox/index.ts';
import { runBackgroundWork, type ScheduledJob } from '../../platform/worker.ts';
import { scheduledJobs } from '../jobs.ts';
import { seedStories } from '../stories/test-support.ts';
import { hoursBefore, publishedStory, setFrequency } from './test-support.ts';

/** A Monday in summer, 08:15 in London. */
const MONDAY = new Date('2026-07-13T07:15:00.000Z');

describe('a story digest through the worker', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('is delivered once to a real SMTP server by the registered job', async () => {
    const { org, users } = await seedStories(t);
    await setFrequency(t, users.southStaff, 'off');
    await setFrequency(t, users.viewer, 'off');
    await setFrequency(t, users.lead, 'off');
    const first = await publishedStory(t, org.northTeam.id, hoursBefore(MONDAY, 30), { title: 'Saturday on the ward' });
    const second = await publishedStory(t, org.northTeam.id, hoursBefore(MONDAY, 5), { title: 'Early this morning' });
    // The job as registered for the worker, run at a Monday morning rather than the clock's time.
    const job = scheduledJobs.find((j) => j.name === 'story digests');
    expect(job).toBeDefined();
    const atMonday: ScheduledJob = { ...job!, run: (ctx) => job!.run(ctx, MONDAY) };

    const smtp = await startSmtp();
    const logged: object[] = [];
    const controller = new AbortController();
    try {
      const log = { info: (o: object, m: string) => void logged.push({ m, ...o }), error: (o: object, m: string) => void logged.push({ m, ...o }) };
      const mailer = createMailer({ smtpUrl: smtp.url, dataDir: t.database.dataDir });
      const running = runBackgroundWork({ db: t.db.db, dialect: t.db.dialect, config: t.config, mailer, log, jobs: [atMonday] }, controller.signal, 20);
      // The job queues on the first pass and the outbox delivers on the next.
      for (let i = 0; i < 200 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      controller.abort();
      await running;

      const mails = await smtp.parsed();
      expect(mails).toHaveLength(1);
      expect(smtp.received[0]?.to).toEqual(['staff@example.org']);
      expect(smtp.received[0]?.data).toContain(`Message-ID: <story-digest:${users.staff}:2026-07-13@alongside>`);
      expect(mails[0]?.subject).toBe('2 new stories for you');
      expect(mails[0]?.text).toContain(`http://localhost:3000/feedback/stories/${first}`);
      expect(mails[0]?.text).toContain(`http://localhost:3000/feedback/stories/${second}`);
      expect(mails[0]?.text).toContain('Early this morning');
      expect(logged).toContainEqual({ m: 'story digests', digests: 1 });
      const row = await t.db.db.selectFrom('outbox').select('status').where('idempotency_key', '=', `story-digest:${users.staff}:2026-07-13`).executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
    } finally {
      controller.abort();
      await smtp.close();
    }
  });
});
