import { currentMonth } from '../features/projects/service.ts';
import { audit } from '../platform/audit/index.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import type { ConsentKind, Format, OrgUnit, PersonStatus, PersonTable } from '../platform/db/types.ts';
import { enqueueForPerson } from '../platform/outbox/index.ts';

/**
 * The demo involvement register (issue 5): about thirty invented people across the demo teams,
 * a Working Together Group, a recruitment campaign for it, three outreach events and two open
 * opportunities on the demo projects. Every name is made up.
 */

const SYSTEM = { actorUserId: null, ip: null };

/** The group whose presence says the demo register is already there. */
export const DEMO_GROUP = { name: 'Working Together Group', unit: 'Tower Hamlets' };

const TH_CMHT = 'Tower Hamlets Community Mental Health Team';
const TH_HTT = 'Tower Hamlets Home Treatment Team';
const TH_EIS = 'Tower Hamlets Early Intervention Service';
const L_CMHT = 'Luton Community Mental Health Team';
const L_MEM = 'Luton Memory Service';
const L_PERI = 'Luton Perinatal Mental Health Service';

type Channel = PersonTable['preferred_channel'];
type Relationship = PersonTable['relationship'];
type HeardVia = NonNullable<PersonTable['heard_via']>;

interface DemoPerson {
  name: string;
  preferred?: string;
  unit: string;
  channel: Channel;
  format?: Format;
  language?: string;
  relationship: Relationship;
  status: PersonStatus;
  heard: HeardVia | null;
  /** Index into DEMO_OUTREACH: the event where they made their enquiry. */
  outreach?: number;
  anonymity?: PersonTable['anonymity'];
  payment?: PersonTable['payment_preference'];
  interests?: string[];
  skills?: string[];
  access?: string[];
  accessOther?: string;
  availability?: string[];
  /** When they first enquired: months ago (0 = this month). */
  since: number;
  /** Consents they withdrew later. */
  withdrew?: ConsentKind[];
  /** A demo account's email: the person's own partner account (self-service). */
  account?: string;
}

export const DEMO_OUTREACH: readonly { unit: string; ago: number; kind: 'stall' | 'community_event' | 'talk'; title: string; place: string; whoWent: string; spokenTo: number }[] = [
  { unit: 'Tower Hamlets', ago: 2, kind: 'stall', title: 'Involvement stall at the Idea Store', place: 'Idea Store Whitechapel', whoWent: 'Priya (involvement lead) and Rahima (peer volunteer)', spokenTo: 34 },
  { unit: 'Luton', ago: 1, kind: 'community_event', title: 'Carers’ coffee morning', place: 'Luton Central Library', whoWent: 'Priya and a memory service nurse', spokenTo: 18 },
  { unit: 'Tower Hamlets', ago: 0, kind: 'talk', title: 'Talk at the Recovery College open day', place: 'Recovery College, Mile End', whoWent: 'Priya and Tom (QI lead)', spokenTo: 25 },
];

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { name: 'Rahima Khatun', unit: TH_CMHT, channel: 'email', relationship: 'service_user', status: 'active', heard: 'care_coordinator', interests: ['waiting times', 'peer support'], skills: ['qi introduction', 'recovery college: sharing your story'], availability: ['tue_pm', 'thu_pm'], access: ['quiet_room'], since: 26, account: 'service-user@demo.example.org' },
  { name: 'David Clarke', unit: L_MEM, channel: 'email', relationship: 'carer', status: 'active', heard: 'care_coordinator', interests: ['dementia', 'carers'], skills: ['qi introduction'], availability: ['mon_am', 'wed_am'], access: ['hearing_loop'], since: 11, account: 'carer@demo.example.org' },
  { name: 'Maryam Begum', unit: TH_CMHT, channel: 'sms', relationship: 'carer', status: 'active', heard: 'word_of_mouth', interests: ['carers', 'waiting times'], availability: ['wed_pm', 'fri_am'], since: 16, anonymity: 'first_name' },
  { name: 'Joseph Adeyemi', preferred: 'Joe', unit: TH_CMHT, channel: 'email', relationship: 'service_user', status: 'active', heard: 'stall', interests: ['mental health', 'employment'], skills: ['interview panel training'], availability: ['mon_pm', 'tue_pm'], since: 9 },
  { name: 'Siobhan Walsh', unit: TH_HTT, channel: 'phone', relationship: 'service_user', status: 'active', heard: 'website', interests: ['crisis care'], access: ['step_free'], availability: ['thu_am'], since: 14, payment: 'vouchers' },
  { name: 'Abdul Karim Miah', unit: TH_EIS, channel: 'sms', format: 'other_language', language: 'Bengali', relationship: 'carer', status: 'active', heard: 'event', interests: ['young people', 'carers'], access: ['language_interpreter'], availability: ['sat_am'], since: 8 },
  { name: 'Grace Mensah', unit: TH_EIS, channel: 'email', relationship: 'service_user', status: 'induction', heard: 'stall', outreach: 0, interests: ['young people', 'peer support'], availability: ['wed_eve'], since: 2 },
  { name: 'Thomas Reilly', preferred: 'Tom', unit: TH_CMHT, channel: 'post', format: 'large_print', relationship: 'service_user', status: 'active', heard: 'care_coordinator', interests: ['physical health'], access: ['step_free', 'support_worker'], accessOther: 'Comes with his support worker, Dan', availability: ['tue_am'], since: 20, payment: 'expenses_only' },
  { name: 'Fatima Noor', unit: TH_CMHT, channel: 'email', relationship: 'both', status: 'paused', heard: 'word_of_mouth', interests: ['women’s mental health'], availability: ['fri_pm'], since: 18, withdrew: ['photos'] },
  { name: 'Peter Lindqvist', unit: TH_HTT, channel: 'email', relationship: 'volunteer', status: 'active', heard: 'website', skills: ['qi introduction', 'minute taking'], interests: ['data'], availability: ['mon_am', 'wed_am', 'fri_am'], since: 22 },
  { name: 'Aisha Rahman', unit: TH_CMHT, channel: 'sms', relationship: 'service_user', status: 'contacted', heard: 'stall', outreach: 0, interests: ['housing'], since: 2 },
  { name: 'Kwame Boateng', unit: TH_EIS, channel: 'email', relationship: 'service_user', status: 'enquiry', heard: 'event', outreach: 2, interests: ['music', 'young people'], since: 0 },
  { name: 'Harriet Cole', unit: TH_CMHT, channel: 'post', format: 'easy_read', relationship: 'service_user', status: 'induction', heard: 'care_coordinator', access: ['quiet_room', 'support_worker'], availability: ['thu_pm'], since: 3 },
  { name: 'Imran Chowdhury', unit: TH_HTT, channel: 'phone', relationship: 'carer', status: 'enquiry', heard: 'stall', outreach: 0, since: 1 },
  { name: 'Olivia Brennan', unit: TH_CMHT, channel: 'email', relationship: 'governor', status: 'active', heard: 'other', skills: ['chairing meetings'], interests: ['governance'], availability: ['wed_pm'], since: 30 },
  { name: 'Nasreen Akhtar', unit: TH_EIS, channel: 'email', relationship: 'carer', status: 'left', heard: 'word_of_mouth', since: 24, withdrew: ['contact'] },
  { name: 'Samuel Osei', unit: TH_CMHT, channel: 'email', relationship: 'service_user', status: 'enquiry', heard: 'event', outreach: 2, interests: ['sport'], since: 0, anonymity: 'initials' },
  { name: 'Margaret Hughes', preferred: 'Peggy', unit: L_MEM, channel: 'post', format: 'large_print', relationship: 'carer', status: 'active', heard: 'event', access: ['hearing_loop', 'step_free'], interests: ['dementia', 'carers'], availability: ['tue_am', 'thu_am'], since: 10, payment: 'none' },
  { name: 'Rajesh Patel', unit: L_MEM, channel: 'email', relationship: 'carer', status: 'contacted', heard: 'event', outreach: 1, interests: ['dementia'], availability: ['mon_pm'], since: 1 },
  { name: 'Bernadette O’Connor', unit: L_MEM, channel: 'phone', relationship: 'carer', status: 'enquiry', heard: 'event', outreach: 1, since: 1, anonymity: 'anonymous' },
  { name: 'Lucy Tran', unit: L_PERI, channel: 'email', relationship: 'service_user', status: 'active', heard: 'care_coordinator', interests: ['perinatal', 'peer support'], availability: ['wed_am'], access: ['quiet_room'], since: 7 },
  { name: 'Chloe Evans', unit: L_PERI, channel: 'sms', relationship: 'service_user', status: 'induction', heard: 'website', interests: ['perinatal'], availability: ['fri_am'], since: 2 },
  { name: 'Zainab Hussain', unit: L_PERI, channel: 'email', relationship: 'carer', status: 'enquiry', heard: 'website', since: 0 },
  { name: 'Michael Doyle', unit: L_CMHT, channel: 'email', relationship: 'service_user', status: 'active', heard: 'stall', interests: ['discharge', 'mental health'], skills: ['qi introduction'], availability: ['tue_pm', 'wed_pm'], since: 12 },
  { name: 'Precious Ncube', unit: L_CMHT, channel: 'email', relationship: 'both', status: 'active', heard: 'care_coordinator', interests: ['care planning'], access: ['bsl_interpreter'], availability: ['thu_pm'], since: 9, withdrew: ['quotes'] },
  { name: 'Gareth Jones', unit: L_CMHT, channel: 'phone', relationship: 'service_user', status: 'paused', heard: null, interests: ['physical health'], since: 15 },
  { name: 'Anita Kowalski', unit: L_CMHT, channel: 'email', relationship: 'staff', status: 'active', heard: 'other', skills: ['qi coach'], availability: ['mon_am'], since: 19 },
  { name: 'Yusuf Ali', unit: L_CMHT, channel: 'sms', relationship: 'service_user', status: 'contacted', heard: 'word_of_mouth', since: 1 },
  { name: 'Eleanor Fitzgerald', unit: L_MEM, channel: 'post', format: 'standard', relationship: 'carer', status: 'left', heard: null, since: 28, withdrew: ['contact', 'named'] },
  { name: 'Hannah Schofield', unit: TH_CMHT, channel: 'email', format: 'audio', relationship: 'service_user', status: 'enquiry', heard: 'care_coordinator', access: ['support_worker'], since: 0 },
];

/** The order a person moves through the register; history is written up to their current status. */
const PATH: Record<PersonStatus, PersonStatus[]> = {
  enquiry: ['enquiry'],
  contacted: ['enquiry', 'contacted'],
  induction: ['enquiry', 'contacted', 'induction'],
  active: ['enquiry', 'contacted', 'induction', 'active'],
  paused: ['enquiry', 'contacted', 'induction', 'active', 'paused'],
  left: ['enquiry', 'contacted', 'induction', 'active', 'left'],
};

/** A month counted back from this one, as YYYY-MM. */
function monthsAgo(n: number): string {
  const [y, m] = currentMonth().split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** An instant in a past month (day 10 plus a few), or now for this month, so nothing is in the future. */
function instant(ago: number, offsetDays = 0): string {
  if (ago <= 0) return new Date(Date.now() - offsetDays * 3_600_000).toISOString();
  const day = Math.min(10 + offsetDays, 27);
  return `${monthsAgo(ago)}-${String(day).padStart(2, '0')}T11:00:00.000Z`;
}
const dateOf = (ago: number, offsetDays = 0): string => instant(ago, offsetDays).slice(0, 10);
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();

const emailFor = (p: DemoPerson): string =>
  `${p.name.toLowerCase().normalize('NFKD').replace(/[^a-z ]/g, '').trim().replace(/\s+/g, '.')}@example.org`;

/** Adds the demo register when it is not there yet; returns how many people were added. */
export async function seedInvolvementDemo(db: Db, units: Map<string, OrgUnit>, users: Map<string, number>): Promise<number> {
  const groupUnit = units.get(DEMO_GROUP.unit);
  if (!groupUnit) throw new Error(`demo group unit ${DEMO_GROUP.unit} is missing`);
  const exists = await db.selectFrom('groups').select('id').where('unit_id', '=', groupUnit.id).where('name', '=', DEMO_GROUP.name).executeTakeFirst();
  if (exists) return 0;
  const unit = (name: string): OrgUnit => {
    const u = units.get(name);
    if (!u) throw new Error(`demo register names an unknown unit ${name}`);
    return u;
  };
  const lead = users.get('lead@demo.example.org') ?? null;
  const now = nowIso();

  await db.transaction().execute(async (trx) => {
    // Outreach events first: enquiries point at them.
    const outreach: number[] = [];
    for (const e of DEMO_OUTREACH) {
      const { id } = await trx
        .insertInto('outreach_events')
        .values({ unit_id: unit(e.unit).id, on_date: dateOf(e.ago, e.ago === 0 ? 1 : 0), kind: e.kind, title: e.title, place: e.place, who_went: e.whoWent, people_spoken_to: e.spokenTo, notes: null, campaign_id: null, created_by: lead, created_at: instant(e.ago) })
        .returning('id')
        .executeTakeFirstOrThrow();
      outreach.push(id);
    }

    const ids = new Map<string, number>();
    const linked = new Set((await trx.selectFrom('people').select('user_id').where('user_id', 'is not', null).execute()).map((r) => r.user_id));
    for (const [i, p] of DEMO_PEOPLE.entries()) {
      const createdAt = instant(p.since, i % 5);
      const userId = p.account ? (users.get(p.account) ?? null) : null;
      const { id } = await trx
        .insertInto('people')
        .values({
          unit_id: unit(p.unit).id,
          user_id: userId !== null && !linked.has(userId) ? userId : null,
          full_name: p.name,
          preferred_name: p.preferred ?? null,
          email: p.account ?? (p.channel === 'email' || i % 3 === 0 ? emailFor(p) : null),
          phone: p.channel === 'sms' || p.channel === 'phone' || i % 4 === 0 ? `07700 900${String(100 + i).padStart(3, '0')}` : null,
          address: p.channel === 'post' ? `${10 + i} ${p.unit.startsWith('Luton') ? 'Castle Street\nLuton' : 'Commercial Road\nLondon'}` : null,
          postcode: p.channel === 'post' ? (p.unit.startsWith('Luton') ? 'LU1 3AJ' : 'E1 1LA') : null,
          preferred_channel: p.channel,
          format: p.format ?? 'standard',
          format_language: p.language ?? null,
          access_needs_other: p.accessOther ?? null,
          relationship: p.relationship,
          services_known: p.unit,
          availability_notes: null,
          anonymity: p.anonymity ?? 'full_name',
          payment_preference: p.payment ?? 'involvement_rate',
          heard_via: p.heard,
          outreach_event_id: p.outreach === undefined ? null : (outreach[p.outreach] ?? null),
          status: p.status,
          notes: null,
          created_by: lead,
          created_at: createdAt,
          updated_at: createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(p.name, id);

      const attributes = [
        ...(p.access ?? []).map((value) => ({ kind: 'access_need' as const, value })),
        ...(p.interests ?? []).map((value) => ({ kind: 'interest' as const, value })),
        ...(p.skills ?? []).map((value) => ({ kind: 'skill' as const, value })),
        ...(p.availability ?? []).map((value) => ({ kind: 'availability' as const, value })),
      ];
      if (attributes.length > 0) await trx.insertInto('person_attributes').values(attributes.map((a) => ({ person_id: id, ...a }))).execute();

      // Status history: the enquiry when they first got in touch, then a step every few weeks.
      await trx
        .insertInto('person_status_history')
        .values(
          PATH[p.status].map((status, step) => ({
            person_id: id,
            status,
            changed_at: step === 0 ? createdAt : new Date(Math.min(Date.parse(createdAt) + step * 21 * 86_400_000, Date.now())).toISOString(),
            changed_by: lead,
          })),
        )
        .execute();

      // Consent: everyone agreed to be contacted and their details held; most to being named and quoted.
      const given: ConsentKind[] = ['contact', 'hold_details', ...(i % 3 !== 2 ? (['named', 'quotes'] as const) : []), ...(i % 4 === 0 ? (['photos'] as const) : [])];
      const method = (['written', 'verbal', 'online', 'email', 'phone'] as const)[i % 5] ?? 'written';
      await trx.insertInto('consents').values(given.map((kind) => ({ person_id: id, kind, given: 1, method, note: null, recorded_at: createdAt, recorded_by: lead }))).execute();
      for (const kind of p.withdrew ?? []) {
        await trx
          .insertInto('consents')
          .values({ person_id: id, kind, given: 0, method: 'email', note: 'Asked us to stop', recorded_at: instant(Math.max(0, p.since - 2)), recorded_by: lead })
          .execute();
      }
      await audit(trx, SYSTEM, { action: 'person.created', entityType: 'person', entityId: id, details: { unitId: unit(p.unit).id, source: 'seed --demo' } });
    }
    const person = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new Error(`demo register has no ${name}`);
      return id;
    };

    // Maryam is already in the demo project team by name: link her register entry.
    await trx.updateTable('project_members').set({ person_id: person('Maryam Begum') }).where('display_name', '=', 'Maryam Begum').where('person_id', 'is', null).execute();

    // The Working Together Group and its members.
    const { id: groupId } = await trx
      .insertInto('groups')
      .values({
        unit_id: groupUnit.id,
        name: DEMO_GROUP.name,
        purpose: 'Service users, carers and staff working together to improve community mental health services in Tower Hamlets.',
        terms_of_reference: 'Meets monthly. Members are paid at the involvement rate for each meeting and its preparation. Decisions are made together; the chair and co-chair are service users or carers.',
        cadence: 'Monthly, first Tuesday afternoon',
        created_at: instant(26),
        archived_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const members: [string, 'chair' | 'co_chair' | 'member' | 'coordinator', number, number | null][] = [
      ['Rahima Khatun', 'chair', 24, null],
      ['Maryam Begum', 'co_chair', 14, null],
      ['Olivia Brennan', 'member', 24, null],
      ['Thomas Reilly', 'member', 18, null],
      ['Joseph Adeyemi', 'member', 3, null],
      ['Peter Lindqvist', 'coordinator', 20, null],
      ['Fatima Noor', 'member', 16, null],
      ['Nasreen Akhtar', 'member', 22, 6],
    ];
    await trx
      .insertInto('group_members')
      .values(members.map(([name, role, joined, left]) => ({ group_id: groupId, person_id: person(name), role, joined_on: dateOf(joined), left_on: left === null ? null : dateOf(left) })))
      .execute();

    // Recruiting more members for it: candidates at every stage and the hours it took.
    const { id: campaignId } = await trx
      .insertInto('recruitment_campaigns')
      .values({ unit_id: groupUnit.id, group_id: groupId, programme: null, title: 'Working Together Group: new members', target_size: 8, starts_on: dateOf(4), ends_on: null, created_at: instant(4) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('outreach_events').set({ campaign_id: campaignId }).where('id', 'in', [outreach[0] ?? 0, outreach[2] ?? 0]).execute();
    const candidates: [string, 'enquiry' | 'conversation' | 'application' | 'induction' | 'member', number][] = [
      ['Kwame Boateng', 'enquiry', 0],
      ['Samuel Osei', 'enquiry', 0],
      ['Aisha Rahman', 'conversation', 2],
      ['Imran Chowdhury', 'conversation', 1],
      ['Harriet Cole', 'application', 3],
      ['Grace Mensah', 'induction', 2],
      ['Joseph Adeyemi', 'member', 4],
      ['Abdul Karim Miah', 'member', 4],
    ];
    await trx
      .insertInto('campaign_candidates')
      .values(
        candidates.map(([name, stage, ago]) => ({
          campaign_id: campaignId,
          person_id: person(name),
          stage,
          entered_on: dateOf(ago),
          stage_changed_on: dateOf(Math.max(0, ago - 1)),
          member_on: stage === 'member' ? dateOf(Math.max(0, ago - 1)) : null,
        })),
      )
      .execute();
    const work: [number, string, number, number | null][] = [
      [4, 'Wrote the role description and poster with the group', 180, null],
      [4, 'Asked care coordinators to mention the group', 60, null],
      [3, 'Phone conversations with people who enquired', 150, null],
      [2, 'Stall at the Idea Store', 240, outreach[0] ?? null],
      [2, 'Follow-up calls after the stall', 90, null],
      [1, 'Induction session for new members', 120, null],
      [0, 'Talk at the Recovery College open day', 150, outreach[2] ?? null],
    ];
    await trx
      .insertInto('recruitment_work')
      .values(work.map(([ago, activity, minutes, outreachId]) => ({ campaign_id: campaignId, on_date: dateOf(ago, 1), activity, minutes, outreach_event_id: outreachId, recorded_by: lead, created_at: instant(ago, 1) })))
      .execute();

    // Two open opportunities on the demo projects, one public, with a few matches.
    const project = async (title: string) => trx.selectFrom('projects').select(['id', 'unit_id']).where('title', '=', title).executeTakeFirst();
    const quicker = await project('Quicker first appointments');
    const carers = await project('Carers know who to call between appointments');
    const opportunity = async (o: { project: { id: number; unit_id: number } | undefined; fallbackUnit: string; title: string; description: string; whenWhere: string; commitment: string; places: number; lived: string; isPublic: boolean; opened: string; closes: string; attributes: [string, string][] }) => {
      const { id } = await trx
        .insertInto('opportunities')
        .values({
          unit_id: o.project?.unit_id ?? unit(o.fallbackUnit).id,
          project_id: o.project?.id ?? null,
          group_id: null,
          title: o.title,
          description: o.description,
          when_where: o.whenWhere,
          time_commitment: o.commitment,
          places: o.places,
          lived_experience: o.lived,
          payment_offered: 'involvement_rate',
          closes_on: o.closes,
          is_public: o.isPublic ? 1 : 0,
          status: 'open',
          created_by: users.get('qi@demo.example.org') ?? lead,
          created_at: o.opened,
          updated_at: o.opened,
          filled_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('opportunity_attributes').values(o.attributes.map(([kind, value]) => ({ opportunity_id: id, kind: kind as 'interest', value }))).execute();
      return id;
    };
    const closes = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const reviewers = await opportunity({
      project: quicker,
      fallbackUnit: TH_CMHT,
      title: 'Help us rewrite the welcome pack',
      description: 'Read the welcome pack people get before their first appointment and help us make it clear and friendly. You will join two workshops with the project team.',
      whenWhere: 'Two Tuesday afternoons, at the team base on Commercial Road (step-free, quiet room available)',
      commitment: 'Two 2-hour workshops and some reading at home',
      places: 3,
      lived: 'People who have waited for a first appointment with a community mental health team, or their carers',
      isPublic: true,
      opened: daysAgo(12),
      closes,
      attributes: [['interest', 'waiting times'], ['availability', 'tue_pm'], ['access_need', 'step_free'], ['access_need', 'quiet_room'], ['relationship', 'service_user'], ['relationship', 'carer']],
    });
    const carerPlace = await opportunity({
      project: carers,
      fallbackUnit: L_MEM,
      title: 'A carer to join the memory service project team',
      description: 'Join the project team as a carer partner: help test a new "who to call" card with other carers and say what works.',
      whenWhere: 'Monthly team meetings, Thursday mornings, Luton Memory Service (hearing loop fitted)',
      commitment: 'One 90-minute meeting a month for six months',
      places: 1,
      lived: 'Caring for someone with dementia or memory problems',
      isPublic: false,
      opened: daysAgo(35),
      closes,
      attributes: [['interest', 'dementia'], ['availability', 'thu_am'], ['access_need', 'hearing_loop'], ['relationship', 'carer']],
    });
    const match = (opportunityId: number, name: string, status: 'suggested' | 'offered' | 'accepted' | 'interested' | 'declined', days: number) =>
      trx
        .insertInto('matches')
        .values({
          opportunity_id: opportunityId,
          person_id: person(name),
          status,
          source: status === 'interested' ? 'interest' : 'suggestion',
          score: status === 'interested' ? null : 70 - days,
          reasons: null,
          created_at: daysAgo(days + 2),
          updated_at: daysAgo(days),
          offered_at: status === 'offered' || status === 'accepted' || status === 'declined' ? daysAgo(days + 1) : null,
          responded_at: status === 'accepted' || status === 'declined' ? daysAgo(days) : null,
        })
        .execute();
    await match(reviewers, 'Maryam Begum', 'accepted', 6);
    await match(reviewers, 'Joseph Adeyemi', 'offered', 3);
    await match(reviewers, 'Harriet Cole', 'suggested', 1);
    await match(carerPlace, 'Margaret Hughes', 'declined', 20);
    await match(carerPlace, 'Rajesh Patel', 'interested', 4);

    // A little involvement history, and letters and texts waiting to be sent by hand.
    await trx
      .insertInto('involvement_activities')
      .values([
        { person_id: person('Rahima Khatun'), on_date: dateOf(2), kind: 'group', description: 'Working Together Group meeting (chair)', minutes: 150, project_id: null, group_id: groupId, opportunity_id: null, recorded_by: lead, created_at: now },
        { person_id: person('Thomas Reilly'), on_date: dateOf(2), kind: 'group', description: 'Working Together Group meeting', minutes: 120, project_id: null, group_id: groupId, opportunity_id: null, recorded_by: lead, created_at: now },
        { person_id: person('Peter Lindqvist'), on_date: dateOf(1), kind: 'training', description: 'QI introduction (half day)', minutes: 210, project_id: null, group_id: null, opportunity_id: null, recorded_by: lead, created_at: now },
      ])
      .execute();
    const people = await trx.selectFrom('people').selectAll().where('id', 'in', [person('Thomas Reilly'), person('Margaret Hughes'), person('Maryam Begum'), person('Siobhan Walsh')]).execute();
    for (const p of people) {
      await enqueueForPerson(trx, {
        idempotencyKey: `demo-involvement-${p.id}`,
        person: p,
        subject: 'Working Together Group: next meeting',
        text: `Dear ${p.preferred_name ?? p.full_name.split(' ')[0] ?? ''},\n\nThe next Working Together Group meeting is on the first Tuesday of next month, 2pm to 4pm, at the team base on Commercial Road. Tea and biscuits from 1.45pm.\n\nWe will pay you at the involvement rate and your travel costs. Please call Priya on 020 7946 0000 if you need anything to take part.\n\nBest wishes,\nPriya Shah, Involvement lead`,
      });
    }
  });
  return DEMO_PEOPLE.length;
}
