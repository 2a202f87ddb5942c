import { publicNameFor } from '../features/stories/service.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import type { ChangeKind, Naming, OrgUnit, PromiseProgress, StorySource, StoryStatus, TellerRole } from '../platform/db/types.ts';
import { t } from '../platform/i18n/index.ts';
import { DEMO_GROUP } from './seed-involvement.ts';

/**
 * Demo feedback (issue 7), so the Feedback, "You said, we did" and Workshops pages have something to
 * show. Over the last eight months people told stories about three demo teams: most were moderated
 * (names taken out) and published, one only to the teams, one is held and two wait in the
 * moderation queue (one with a phone number and email address for the redaction suggester to find).
 * Staff answered most within a week, some later and two not yet; their answers record changes made
 * and planned, linked to the demo QI projects and their change ideas. Two teams shared and discussed
 * stories at team meetings, each borough has a safeguarding contact, and a staff workshop a few
 * months ago voted to share every team's feedback with the whole team and made promises, supported
 * by a service user, a carer and the Working Together Group. Every name and contact detail is made up.
 */

const TH_CMHT = 'Tower Hamlets Community Mental Health Team';
const TH_HTT = 'Tower Hamlets Home Treatment Team';
const L_MEM = 'Luton Memory Service';
const FIRST_APPOINTMENTS = 'Quicker first appointments';
const CARERS_CALL = 'Carers know who to call between appointments';

/** The story whose presence says the demo stories are already there. */
export const DEMO_STORY = { title: 'Nobody told me how long I would wait', unit: TH_CMHT };
/** The workshop whose presence says the demo workshop is already there. */
export const DEMO_WORKSHOP = { title: 'Listening to feedback: Tower Hamlets staff workshop', unit: 'Tower Hamlets' };
export const DEMO_WINNING_CHALLENGE = 'Each team shares and discusses its feedback with all team members';

const DAY = 86_400_000;

/** An instant some days ago (negative: from now), at a given hour UTC. */
function daysAgo(days: number, hour = 10): string {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

/** A day some days ago (negative: from now), as YYYY-MM-DD. */
const dayOf = (days: number): string => daysAgo(days).slice(0, 10);

type Staff = 'lead' | 'qi';
const STAFF_EMAIL: Record<Staff, string> = { lead: 'lead@demo.example.org', qi: 'qi@demo.example.org' };
const ROLE: Record<Staff, string> = { lead: 'Involvement lead', qi: 'QI lead, community mental health team' };

interface Words {
  title: string;
  body: string;
  good?: string;
  better?: string;
}

interface DemoResponse {
  by: Staff;
  /** Days after the story was received. */
  after: number;
  body: string;
  change: ChangeKind;
  description?: string;
  /** A demo project's title, and one of its change ideas. */
  project?: string;
  idea?: string;
}

interface DemoStory {
  unit: string;
  /** Days ago it was received. */
  ago: number;
  source: StorySource;
  /** Staff who entered it on the teller's behalf (paper, phone, workshop). */
  enteredBy?: Staff;
  role: TellerRole;
  naming: Naming;
  tellerName?: string;
  email?: string;
  phone?: string;
  consent: boolean;
  told: Words;
  /** What the moderator changed for the public version (names taken out). */
  moderated?: Partial<Words>;
  status: StoryStatus;
  reason?: string;
  /** Days after receipt it was moderated. */
  moderatedAfter?: number;
  tags?: string[];
  alsoAbout?: string[];
  responses?: DemoResponse[];
}

export const DEMO_STORIES: readonly DemoStory[] = [
  {
    unit: TH_CMHT,
    ago: 240,
    source: 'online',
    role: 'patient',
    naming: 'first_name',
    tellerName: 'Sadia Karim',
    email: 'sadia.k@example.org',
    consent: true,
    told: {
      title: DEMO_STORY.title,
      body: 'My GP referred me in the spring. After that I heard nothing for five weeks and did not know if the referral had got lost. I rang twice and each time was told someone would call me back.',
      good: 'When I did see someone they were kind and took their time.',
      better: 'Just a text or a letter to say you have my referral and roughly how long it will be.',
    },
    status: 'published',
    moderatedAfter: 1,
    tags: ['waiting', 'communication'],
    responses: [
      {
        by: 'qi',
        after: 3,
        body: 'Thank you for telling us, and I am sorry you were left wondering. You are not the only person who has said this, and it is now part of our project on first appointments.',
        change: 'made',
        description: 'We now send a text two days before every first appointment, with the name of the person you will see and how to change the time.',
        project: FIRST_APPOINTMENTS,
        idea: 'Text reminders two days before the appointment',
      },
    ],
  },
  {
    unit: TH_CMHT,
    ago: 205,
    source: 'paper',
    enteredBy: 'lead',
    role: 'carer',
    naming: 'full_name',
    tellerName: 'June Adebayo',
    consent: true,
    told: {
      title: 'A welcome that made a difference',
      body: 'I came with my son to his first appointment. He was very anxious. Sarah on reception noticed and found us a quiet room to wait in, and checked on us twice.',
      good: 'Being noticed. It made the whole appointment go better.',
    },
    moderated: { body: 'I came with my son to his first appointment. He was very anxious. [name removed] on reception noticed and found us a quiet room to wait in, and checked on us twice.' },
    status: 'published',
    moderatedAfter: 2,
    tags: ['kindness', 'first appointment'],
    responses: [{ by: 'lead', after: 4, body: 'Thank you for taking the time to write this. We have passed your words on to the reception team, who were very pleased to hear them.', change: 'none' }],
  },
  {
    unit: TH_CMHT,
    ago: 170,
    source: 'phone',
    enteredBy: 'qi',
    role: 'relative',
    naming: 'initials',
    tellerName: 'Keith Palmer',
    phone: '07700 900456',
    consent: true,
    told: {
      title: 'The letter was hard to understand',
      body: 'My brother got a letter about his first appointment. It was two pages of long words and he thought he was in trouble. I had to ring to find out what it meant.',
      better: 'Write it the way you would say it. Say who he will see and what happens.',
    },
    status: 'published',
    moderatedAfter: 2,
    tags: ['communication', 'letters'],
    responses: [
      {
        by: 'qi',
        after: 20,
        body: 'Thank you, and sorry for the worry the letter caused. We asked service users to help us rewrite it.',
        change: 'made',
        description: 'We rewrote the first letter and the welcome pack with service users. They now say in plain words who you will see and what will happen.',
        project: FIRST_APPOINTMENTS,
        idea: 'A welcome pack written with service users',
      },
    ],
  },
  {
    unit: TH_CMHT,
    ago: 120,
    source: 'online',
    role: 'patient',
    naming: 'anonymous',
    consent: true,
    told: {
      title: 'I can only come after work',
      body: 'All the appointments I am offered are in the middle of the day. I have a new job and cannot keep taking time off without explaining why.',
      good: 'My care coordinator does try to move things around for me.',
      better: 'An evening appointment now and then would help a lot.',
    },
    status: 'published',
    moderatedAfter: 1,
    tags: ['appointment times', 'access'],
    responses: [
      {
        by: 'qi',
        after: 6,
        body: 'Thank you. Several people have told us the same, and our service user and carer forum raised it too.',
        change: 'planned',
        description: 'We are planning to test an evening clinic one day a week, starting with one clinician.',
        project: FIRST_APPOINTMENTS,
        idea: 'Evening clinic one day a week',
      },
    ],
  },
  {
    unit: TH_CMHT,
    ago: 60,
    source: 'workshop',
    enteredBy: 'lead',
    role: 'patient',
    naming: 'first_name',
    tellerName: 'Ade Balogun',
    consent: true,
    told: { title: 'Kind words on a bad day', body: 'I turned up on the wrong day in a bit of a state. The duty worker sat with me for twenty minutes and made sure I got home safely.', good: 'Nobody made me feel silly.' },
    status: 'published',
    moderatedAfter: 3,
    tags: ['kindness'],
  },
  {
    unit: TH_CMHT,
    ago: 25,
    source: 'online',
    role: 'patient',
    naming: 'full_name',
    tellerName: 'Marcus Webb',
    email: 'marcus.webb@example.org',
    consent: true,
    told: {
      title: 'My appointment was moved without asking me',
      body: 'I got a letter saying my appointment had moved to a day I work. Nobody asked me first, and it took three calls to change it back.',
      better: 'Ask before moving an appointment, or at least ring.',
    },
    status: 'published',
    moderatedAfter: 2,
    tags: ['communication', 'appointment times'],
  },
  {
    unit: TH_CMHT,
    ago: 5,
    source: 'online',
    role: 'patient',
    naming: 'first_name',
    tellerName: 'Lena Novak',
    email: 'lena.novak@example.org',
    phone: '07700 900123',
    consent: true,
    told: {
      title: 'Please call me back about my medication',
      body: 'My name is Lena Novak and I have been waiting for a call about my medication review. Dr Patel said someone would ring. You can reach me on 07700 900123 or lena.novak@example.org.',
      better: 'Let people know when to expect a call.',
    },
    status: 'new',
  },
  {
    unit: TH_HTT,
    ago: 215,
    source: 'online',
    role: 'carer',
    naming: 'full_name',
    tellerName: 'Helen Brooks',
    consent: true,
    told: {
      title: 'They came when they said they would',
      body: 'My husband was very unwell and we were frightened. The home treatment team visited every day for two weeks, always when they said they would, and explained everything to both of us.',
      good: 'Being included as his wife, not just told to wait outside.',
    },
    status: 'published',
    moderatedAfter: 1,
    tags: ['kindness', 'crisis care', 'carers'],
    alsoAbout: [TH_CMHT],
    responses: [{ by: 'lead', after: 4, body: 'Thank you so much for this. We have shared it with the whole team. Including families is something we care about and it is good to hear it worked for you both.', change: 'none' }],
  },
  {
    unit: TH_HTT,
    ago: 150,
    source: 'paper',
    enteredBy: 'lead',
    role: 'relative',
    naming: 'anonymous',
    consent: true,
    told: {
      title: 'Too many different faces',
      body: 'Over three weeks my mum saw nine different people from the team. She had to tell her story again each time and by the end she stopped answering the door.',
      better: 'The same one or two people where you can.',
    },
    status: 'published',
    moderatedAfter: 2,
    tags: ['continuity'],
    responses: [
      {
        by: 'lead',
        after: 35,
        body: 'Thank you, and I am sorry it took us a while to reply. The team talked about your story at length.',
        change: 'made',
        description: 'Everyone the team visits now has a named worker who sees them at least every other day, and a note of what matters to them so nobody has to repeat their story.',
      },
    ],
  },
  {
    unit: TH_HTT,
    ago: 90,
    source: 'phone',
    enteredBy: 'lead',
    role: 'patient',
    naming: 'anonymous',
    consent: false,
    told: {
      title: 'Medication arrived late',
      body: 'My new medication was meant to come the day after the visit but did not arrive for four days. I was not sure whether to keep taking the old one.',
      better: 'Tell me what to do if it does not come.',
    },
    status: 'published',
    moderatedAfter: 1,
    tags: ['medication', 'communication'],
    responses: [{ by: 'lead', after: 5, body: 'Thank you for letting us know. The team manager has looked into what went wrong with the pharmacy order and spoken to the team about checking deliveries.', change: 'none' }],
  },
  {
    unit: L_MEM,
    ago: 180,
    source: 'online',
    role: 'carer',
    naming: 'first_name',
    tellerName: 'Carol Whitfield',
    email: 'carol.w@example.org',
    consent: true,
    told: {
      title: 'Who do I call between appointments?',
      body: 'I look after my dad, who has dementia. Between appointments things change quickly and I never know who to ring. The main number goes to a queue and nobody there knows him.',
      good: 'The nurse at the clinic is lovely and really listens.',
      better: 'One name and one number for when things change.',
    },
    status: 'published',
    moderatedAfter: 2,
    tags: ['carers', 'communication'],
    responses: [
      {
        by: 'lead',
        after: 6,
        body: 'Thank you, Carol. Carers in our forum have said the same, and it is now a project with carers on the team.',
        change: 'made',
        description: 'Every carer now gets a card with the name and direct number of their named nurse, and the duty number for other times.',
        project: CARERS_CALL,
      },
    ],
  },
  {
    unit: L_MEM,
    ago: 75,
    source: 'phone',
    enteredBy: 'lead',
    role: 'relative',
    naming: 'initials',
    tellerName: 'Rob Turner',
    phone: '07700 900789',
    consent: true,
    told: { title: 'The assessment felt rushed', body: 'My aunt’s memory assessment felt rushed and she came out upset. She had met another patient in the waiting room who said the same.' },
    status: 'held',
    reason: 'It names another patient. Waiting to check with the teller what they would like shared before publishing.',
    moderatedAfter: 3,
    tags: ['assessment'],
  },
  {
    unit: L_MEM,
    ago: 2,
    source: 'paper',
    enteredBy: 'lead',
    role: 'carer',
    naming: 'anonymous',
    consent: true,
    told: { title: 'The carers’ group helped', body: 'Going to the carers’ group after my wife’s diagnosis meant I did not feel so alone. I would not have known about it without the memory nurse.', good: 'Meeting other people in the same boat.' },
    status: 'new',
  },
];

/** The workshop's challenges, in the order they were added. */
const CHALLENGES: readonly { title: string; description: string }[] = [
  { title: DEMO_WINNING_CHALLENGE, description: 'Every story about a team is read out and talked about at a team meeting, not only by managers.' },
  { title: 'Answer every story within a week', description: 'A reply, even a short one, within seven days of a story being published.' },
  { title: 'Tell people who to contact while they wait', description: 'Nobody waiting for a first appointment is left without a name and a number.' },
  { title: 'Bring a service user or carer to every feedback discussion', description: 'Someone with lived experience in the room when the team talks about stories.' },
];

interface DemoPromise {
  who: string;
  /** Index into CHALLENGES. */
  vote: number;
  text: string;
  shared: boolean;
  progress: PromiseProgress;
  /** Days until the next check-in (negative: the date a kept promise kept). */
  checkInIn: number;
  /** Named supporter's email, or the Working Together Group. */
  supporter: string | 'group';
  checkIns: { ago: number; progress: PromiseProgress; note: string }[];
  encouragement?: string;
}

const PROMISES: readonly DemoPromise[] = [
  {
    who: 'lead@demo.example.org',
    vote: 0,
    text: 'I will take one story to every team meeting I go to and ask what we learned from it.',
    shared: true,
    progress: 'kept',
    checkInIn: -20,
    supporter: 'group',
    checkIns: [
      { ago: 80, progress: 'in_progress', note: 'Done at four team meetings so far.' },
      { ago: 20, progress: 'kept', note: 'Now a standing item for every team I visit.' },
    ],
  },
  {
    who: 'qi@demo.example.org',
    vote: 0,
    text: 'I will read every new story about my team within a week of it being published and make sure someone replies.',
    shared: true,
    progress: 'in_progress',
    checkInIn: 14,
    supporter: 'service-user@demo.example.org',
    checkIns: [{ ago: 45, progress: 'in_progress', note: 'Most answered within a week; two slipped while I was on leave.' }],
    encouragement: 'Thank you for reading our stories. People can tell when someone has.',
  },
  {
    who: 'admin@demo.example.org',
    vote: 1,
    text: 'I will ask each team manager how their team discusses feedback when I visit.',
    shared: false,
    progress: 'not_yet',
    checkInIn: 10,
    supporter: 'carer@demo.example.org',
    checkIns: [{ ago: 50, progress: 'not_yet', note: 'A busy quarter; visits start next month.' }],
    encouragement: 'Good luck with the visits. The teams will value you asking.',
  },
  {
    who: 'viewer@demo.example.org',
    vote: 0,
    text: 'I will look at the feedback measures at every leadership meeting.',
    shared: true,
    progress: 'in_progress',
    checkInIn: 21,
    supporter: 'group',
    checkIns: [{ ago: 30, progress: 'in_progress', note: 'On the agenda for the last two meetings.' }],
  },
];

const WORKSHOP_AGO = 140;

/** Adds the demo stories and workshop when they are not there yet; returns how many of each were added. */
export async function seedStoriesDemo(db: Db, units: Map<string, OrgUnit>, users: Map<string, number>): Promise<{ stories: number; workshops: number }> {
  const unitId = (name: string): number => {
    const unit = units.get(name);
    if (!unit) throw new Error(`demo unit ${name} is missing`);
    return unit.id;
  };
  const userId = (email: string): number => {
    const id = users.get(email);
    if (id === undefined) throw new Error(`demo account ${email} is missing`);
    return id;
  };
  const staff = (who: Staff): number => userId(STAFF_EMAIL[who]);

  const storiesThere = await db.selectFrom('stories').select('id').where('unit_id', '=', unitId(DEMO_STORY.unit)).where('public_title', '=', DEMO_STORY.title).executeTakeFirst();
  const workshopThere = await db.selectFrom('workshops').select('id').where('unit_id', '=', unitId(DEMO_WORKSHOP.unit)).where('title', '=', DEMO_WORKSHOP.title).executeTakeFirst();
  const added = { stories: 0, workshops: 0 };
  if (storiesThere && workshopThere) return added;

  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    if (!storiesThere) {
      const projectId = async (title: string) =>
        (await trx.selectFrom('projects').select('id').where('title', '=', title).orderBy('id').executeTakeFirst())?.id ?? null;
      const ideaId = async (project: number | null, title: string) =>
        project === null ? null : ((await trx.selectFrom('change_ideas').select('id').where('project_id', '=', project).where('title', '=', title).executeTakeFirst())?.id ?? null);

      const ids: number[] = [];
      for (const s of DEMO_STORIES) {
        const received = daysAgo(s.ago, 9);
        const moderated = s.moderatedAfter === undefined || s.status === 'new' ? null : daysAgo(s.ago - s.moderatedAfter, 11);
        const tellerName = s.naming === 'anonymous' ? null : (s.tellerName ?? null);
        const shown = { ...s.told, ...s.moderated };
        const { id } = await trx
          .insertInto('stories')
          .values({
            unit_id: unitId(s.unit),
            source: s.source,
            entered_by: s.enteredBy ? staff(s.enteredBy) : null,
            teller_role: s.role,
            title: s.told.title,
            body: s.told.body,
            good: s.told.good ?? null,
            better: s.told.better ?? null,
            teller_name: tellerName,
            contact_email: s.email ?? null,
            contact_phone: s.phone ?? null,
            consent_publish: s.consent ? 1 : 0,
            naming: s.naming,
            public_title: shown.title,
            public_body: shown.body,
            public_good: shown.good ?? null,
            public_better: shown.better ?? null,
            public_name: publicNameFor(s.naming, tellerName, t('stories.anonymous')),
            status: s.status,
            status_reason: s.reason ?? null,
            moderated_by: moderated ? staff('lead') : null,
            moderated_at: moderated,
            published_at: s.status === 'published' ? moderated : null,
            safeguarding_at: null,
            safeguarding_note: null,
            safeguarding_by: null,
            received_at: received,
            updated_at: moderated ?? received,
            erased_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(id);
        added.stories++;
        // The moderator's themes and further units (a new story has none yet).
        if (s.status !== 'new' && s.tags?.length) await trx.insertInto('story_tags').values(s.tags.map((tag) => ({ story_id: id, tag }))).execute();
        if (s.alsoAbout?.length) await trx.insertInto('story_units').values(s.alsoAbout.map((u) => ({ story_id: id, unit_id: unitId(u) }))).execute();
        for (const r of s.responses ?? []) {
          const project = r.project ? await projectId(r.project) : null;
          const at = daysAgo(s.ago - r.after, 15);
          await trx
            .insertInto('story_responses')
            .values({
              story_id: id,
              user_id: staff(r.by),
              responder_role: ROLE[r.by],
              body: r.body,
              change: r.change,
              change_description: r.description ?? null,
              project_id: project,
              change_idea_id: r.idea ? await ideaId(project, r.idea) : null,
              created_at: at,
              updated_at: at,
            })
            .execute();
        }
      }

      // Two teams shared and discussed their stories at a team meeting, after the workshop chose that challenge.
      const storyAt = (title: string): number => {
        const i = DEMO_STORIES.findIndex((s) => s.told.title === title);
        const id = ids[i];
        if (id === undefined) throw new Error(`demo story ${title} is missing`);
        return id;
      };
      const discussions = [
        {
          unit: TH_CMHT,
          ago: 110,
          recordedBy: staff('qi'),
          attendees: 'Tom Okafor (QI lead), the team manager, four care coordinators, the duty worker and Rahima Khatun (service user partner)',
          count: 8,
          learning: 'Waiting without hearing anything is the hardest part, and our letters made it worse. People notice small kindnesses, like a quiet room.',
          actions: 'Tom to share the new first letter with the team. Reception to offer the quiet room to anyone who looks anxious. Bring two stories to every team meeting from now on.',
          stories: [DEMO_STORY.title, 'A welcome that made a difference', 'The letter was hard to understand', 'I can only come after work'],
        },
        {
          unit: TH_HTT,
          ago: 45,
          recordedBy: staff('lead'),
          attendees: 'The team manager, six home treatment workers, the team pharmacist and Priya Shah (involvement lead)',
          count: 9,
          learning: 'Families notice when we keep our word about visit times. Seeing many different faces makes people give up on us.',
          actions: 'Named worker for everyone on the caseload. Pharmacist to check the delivery of new medication the day after each visit.',
          stories: ['They came when they said they would', 'Too many different faces', 'Medication arrived late'],
        },
      ];
      for (const d of discussions) {
        const { id } = await trx
          .insertInto('story_discussions')
          .values({ unit_id: unitId(d.unit), held_on: dayOf(d.ago), attendees: d.attendees, attendee_count: d.count, learning: d.learning, actions: d.actions, recorded_by: d.recordedBy, created_at: daysAgo(d.ago, 16) })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('story_discussion_stories').values(d.stories.map((title) => ({ discussion_id: id, story_id: storyAt(title) }))).execute();
      }

      // Who hears at once of a safeguarding concern, for each demo borough (unless one is set already).
      for (const [borough, name, email] of [
        ['Tower Hamlets', 'Tower Hamlets adult safeguarding team', 'safeguarding.towerhamlets@demo.example.org'],
        ['Luton', 'Luton adult safeguarding team', 'safeguarding.luton@demo.example.org'],
      ] as const) {
        const set = await trx.selectFrom('safeguarding_contacts').select('unit_id').where('unit_id', '=', unitId(borough)).executeTakeFirst();
        if (!set) await trx.insertInto('safeguarding_contacts').values({ unit_id: unitId(borough), name, email, updated_by: staff('lead'), updated_at: now }).execute();
      }
    }

    if (!workshopThere) {
      const lead = staff('lead');
      const heldOn = dayOf(WORKSHOP_AGO);
      const { id: workshopId } = await trx
        .insertInto('workshops')
        .values({
          unit_id: unitId(DEMO_WORKSHOP.unit),
          title: DEMO_WORKSHOP.title,
          held_on: heldOn,
          venue: 'Community Room, Mile End Hospital',
          programme: [
            '9:30 Welcome and why we are here',
            '9:45 Three stories, read by the people who told them',
            '10:30 What stops us answering and sharing feedback?',
            '11:15 Break',
            '11:30 Vote on our challenge',
            '12:00 Each of us makes a promise to ourselves',
            '12:30 Close',
          ].join('\n'),
          voting: 'closed',
          winning_challenge_id: null,
          progress_public: 1,
          created_by: lead,
          created_at: daysAgo(WORKSHOP_AGO + 21),
          updated_at: daysAgo(WORKSHOP_AGO, 12),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const challengeIds: number[] = [];
      for (const [position, c] of CHALLENGES.entries()) {
        const { id } = await trx.insertInto('workshop_challenges').values({ workshop_id: workshopId, title: c.title, description: c.description, position }).returning('id').executeTakeFirstOrThrow();
        challengeIds.push(id);
      }
      const group = await trx.selectFrom('groups').select('id').where('unit_id', '=', unitId(DEMO_GROUP.unit)).where('name', '=', DEMO_GROUP.name).executeTakeFirst();
      const votes = new Map<number, number>();
      for (const p of PROMISES) {
        const { id: participantId } = await trx
          .insertInto('workshop_participants')
          .values({ workshop_id: workshopId, user_id: userId(p.who), added_at: daysAgo(WORKSHOP_AGO + 14) })
          .returning('id')
          .executeTakeFirstOrThrow();
        const challengeId = challengeIds[p.vote];
        if (challengeId === undefined) throw new Error(`demo vote for challenge ${p.vote} has no challenge`);
        await trx.insertInto('workshop_votes').values({ participant_id: participantId, workshop_id: workshopId, challenge_id: challengeId, voted_at: daysAgo(WORKSHOP_AGO, 11) }).execute();
        votes.set(challengeId, (votes.get(challengeId) ?? 0) + 1);

        const { id: promiseId } = await trx
          .insertInto('promises')
          .values({
            workshop_id: workshopId,
            participant_id: participantId,
            text: p.text,
            shared: p.shared ? 1 : 0,
            check_in_on: dayOf(-p.checkInIn),
            progress: p.progress,
            created_at: daysAgo(WORKSHOP_AGO, 12),
            updated_at: daysAgo(p.checkIns.at(-1)?.ago ?? WORKSHOP_AGO, 12),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        // A named supporter, or the Working Together Group (its members with accounts support).
        const supporterUser = p.supporter === 'group' ? null : userId(p.supporter);
        if (supporterUser !== null || group) {
          await trx
            .insertInto('promise_supporters')
            .values({ participant_id: participantId, user_id: supporterUser, group_id: supporterUser === null ? (group?.id ?? null) : null, assigned_by: lead, assigned_at: daysAgo(WORKSHOP_AGO - 2) })
            .execute();
        }
        if (p.encouragement && supporterUser !== null) {
          await trx.insertInto('promise_encouragements').values({ promise_id: promiseId, from_user_id: supporterUser, message: p.encouragement, created_at: daysAgo(WORKSHOP_AGO - 20, 18) }).execute();
        }
        if (p.checkIns.length) {
          await trx.insertInto('promise_check_ins').values(p.checkIns.map((c) => ({ promise_id: promiseId, progress: c.progress, note: c.note, recorded_at: daysAgo(c.ago, 17) }))).execute();
        }
      }
      // Voting closed at the workshop with a clear winner.
      const winner = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      await trx.updateTable('workshops').set({ winning_challenge_id: winner }).where('id', '=', workshopId).execute();
      added.workshops++;
    }
  });
  return added;
}
