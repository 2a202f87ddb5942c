import { z } from 'zod';
import { AGENDA_KINDS, SERIES_KINDS, SERIES_MEMBER_ROLES, SLOT_FOCUSES, VENUE_FEATURES } from '../../platform/db/types.ts';
import { listOf, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What series, venues, meetings, agenda items and papers may hold. Messages are catalogue keys
 * under errors.meetings (meetings.json).
 */

export const NAME_MAX = 120;
export const TITLE_MAX = 200;
export const PURPOSE_MAX = 2000;
export const CADENCE_MAX = 200;
export const ADDRESS_MAX = 500;
export const NOTES_MAX = 2000;
export const URL_MAX = 500;
export const CAPACITY_MAX = 100_000;
export const DURATION_MAX = 600;
export const DESCRIPTION_MAX = 4000;
export const SEARCH_MAX = 100;

const optionalId = (key: string) => recordId(key).optional();

export const seriesSchema = z.object({
  unitId: recordId('errors.meetings.unitRequired'),
  name: requiredText(NAME_MAX, { required: 'errors.meetings.nameRequired', tooLong: 'errors.meetings.nameTooLong' }),
  kind: z.enum(SERIES_KINDS, { error: 'errors.meetings.kindRequired' }),
  purpose: optionalText(PURPOSE_MAX, 'errors.meetings.purposeTooLong'),
  cadence: optionalText(CADENCE_MAX, 'errors.meetings.cadenceTooLong'),
  usualVenueId: optionalId('errors.meetings.venueInvalid'),
  projectId: optionalId('errors.meetings.projectInvalid'),
});
export type SeriesInput = z.infer<typeof seriesSchema>;

export const venueSchema = z.object({
  unitId: recordId('errors.meetings.unitRequired'),
  name: requiredText(NAME_MAX, { required: 'errors.meetings.venueNameRequired', tooLong: 'errors.meetings.nameTooLong' }),
  address: optionalText(ADDRESS_MAX, 'errors.meetings.addressTooLong'),
  features: listOf(z.enum(VENUE_FEATURES, { error: 'errors.meetings.featureInvalid' })),
  notes: optionalText(NOTES_MAX, 'errors.meetings.notesTooLong'),
});
export type VenueInput = z.infer<typeof venueSchema>;

/** An https address (an online meeting link); anything else could be a trap for whoever clicks it. */
const httpsUrl = z
  .string({ error: 'errors.meetings.onlineUrlInvalid' })
  .max(URL_MAX, 'errors.meetings.onlineUrlTooLong')
  .refine(noNul, 'errors.fields.badCharacter')
  .refine((s) => {
    try {
      const url = new URL(s);
      return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'errors.meetings.onlineUrlInvalid');

/** The fields of a meeting other than its date and times, which the service checks together. */
export const meetingSchema = z.object({
  title: optionalText(TITLE_MAX, 'errors.meetings.titleTooLong'),
  venueId: optionalId('errors.meetings.venueInvalid'),
  onlineUrl: httpsUrl.nullish(),
  capacity: z.coerce
    .number({ error: 'errors.meetings.capacityInvalid' })
    .int('errors.meetings.capacityInvalid')
    .positive('errors.meetings.capacityInvalid')
    .max(CAPACITY_MAX, 'errors.meetings.capacityTooBig')
    .optional(),
});

export const agendaItemSchema = z.object({
  title: requiredText(TITLE_MAX, { required: 'errors.meetings.itemTitleRequired', tooLong: 'errors.meetings.titleTooLong' }),
  kind: z.enum(AGENDA_KINDS, { error: 'errors.meetings.itemKindRequired' }),
  presenter: optionalText(NAME_MAX, 'errors.meetings.presenterTooLong'),
  durationMinutes: z.coerce
    .number({ error: 'errors.meetings.durationInvalid' })
    .int('errors.meetings.durationInvalid')
    .positive('errors.meetings.durationInvalid')
    .max(DURATION_MAX, 'errors.meetings.durationTooLong')
    .optional(),
  description: optionalText(DESCRIPTION_MAX, 'errors.meetings.descriptionTooLong'),
  projectId: optionalId('errors.meetings.projectRequired'),
  slotFocus: z.enum(SLOT_FOCUSES, { error: 'errors.meetings.focusRequired' }).optional(),
});
export type AgendaItemInput = z.infer<typeof agendaItemSchema>;

/** A member is either a member of staff (userId) or someone in the register (personId): one of the two. */
export const addMemberSchema = z
  .object({
    userId: recordId('errors.meetings.userRequired').optional(),
    personId: recordId('errors.meetings.personRequired').optional(),
    role: z.enum(SERIES_MEMBER_ROLES, { error: 'errors.meetings.roleRequired' }),
  })
  .superRefine((v, ctx) => {
    if (v.userId && v.personId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'errors.meetings.memberBoth' });
    if (!v.userId && !v.personId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'errors.meetings.memberRequired' });
  });

export const changeRoleSchema = z.object({
  role: z.enum(SERIES_MEMBER_ROLES, { error: 'errors.meetings.roleRequired' }),
});

export const moveSchema = z.object({ direction: z.enum(['up', 'down'], { error: 'errors.meetings.directionInvalid' }) });

/** The search box of a picker (a person, a project). */
export const searchSchema = z.object({ q: z.string().max(SEARCH_MAX, 'errors.meetings.searchTooLong').refine(noNul, 'errors.fields.badCharacter').optional() });

/** A keyset cursor over meetings in time order: the start instant and the id of the last one shown. */
export const meetingCursor = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_\d{1,10}$/, 'errors.meetings.pageInvalid');

/** The filters of /meetings; a bad one is dropped (see lenient parsing in routes). */
export const listQuerySchema = z.object({
  unitId: optionalId('errors.meetings.unitFilterInvalid'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'errors.meetings.monthInvalid').optional(),
  after: meetingCursor.optional(),
  seriesBefore: optionalId('errors.meetings.pageInvalid'),
  archived: z.enum(['yes']).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const venueListQuerySchema = z.object({
  archived: z.enum(['yes']).optional(),
  before: optionalId('errors.meetings.pageInvalid'),
});

export const seriesPageQuerySchema = z.object({ pastBefore: meetingCursor.optional() });

// ---- Papers

export const PAPER_MAX_BYTES = 10 * 1024 * 1024;
export const FILENAME_MAX = 200;

/** The kinds of file a paper may be, by extension: the type we store and serve, and how to recognise the bytes. */
export const PAPER_TYPES: Record<string, { contentType: string; magic: 'pdf' | 'zip' | 'png' | 'jpg' | 'text' }> = {
  pdf: { contentType: 'application/pdf', magic: 'pdf' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: 'zip' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: 'zip' },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', magic: 'zip' },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', magic: 'zip' },
  ods: { contentType: 'application/vnd.oasis.opendocument.spreadsheet', magic: 'zip' },
  odp: { contentType: 'application/vnd.oasis.opendocument.presentation', magic: 'zip' },
  txt: { contentType: 'text/plain; charset=utf-8', magic: 'text' },
  csv: { contentType: 'text/csv; charset=utf-8', magic: 'text' },
  png: { contentType: 'image/png', magic: 'png' },
  jpg: { contentType: 'image/jpeg', magic: 'jpg' },
  jpeg: { contentType: 'image/jpeg', magic: 'jpg' },
};
