import { z } from 'zod';
import { ACTION_STATUSES, ATTENDANCE_ROLES, PUBLICATION } from '../../platform/db/types.ts';
import { MAX_ID } from '../../platform/db/index.ts';
import { day, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What attendance, minutes and actions may hold. Messages are catalogue keys under errors.minutes
 * (minutes.json). The attendance form's fields are named per person and checked in the service.
 */

export const NAME_MAX = 120;
export const NOTES_MAX = 20_000;
export const DESCRIPTION_MAX = 1000;

/** Someone not on the invite list who came on the day: a name, or a person found in the register. */
export const walkInSchema = z.object({
  walkInName: optionalText(NAME_MAX, 'errors.minutes.walkInNameTooLong'),
  walkInRole: z.enum(ATTENDANCE_ROLES, { error: 'errors.minutes.roleRequired' }).optional(),
  personId: recordId('errors.minutes.personInvalid').optional(),
});

export const approveSchema = z.object({
  approvedIn: recordId('errors.minutes.approvedInRequired'),
});

export const publishSchema = z.object({
  publication: z.enum(PUBLICATION, { error: 'errors.minutes.publicationRequired' }),
});

/** An owner on a form: a staff user ("u12") or a person in the register ("p34"). */
export const ownerRef = z.string({ error: 'errors.minutes.ownerRequired' }).regex(/^[up][1-9][0-9]{0,9}$/, 'errors.minutes.ownerRequired');

export const actionSchema = z.object({
  description: requiredText(DESCRIPTION_MAX, { required: 'errors.minutes.descriptionRequired', tooLong: 'errors.minutes.descriptionTooLong' }),
  owner: ownerRef,
  dueOn: day('errors.minutes.dueOnInvalid'),
  agendaItemId: recordId('errors.minutes.agendaItemInvalid').optional(),
});

export const actionUpdateSchema = actionSchema.omit({ agendaItemId: true }).extend({
  status: z.enum(ACTION_STATUSES, { error: 'errors.minutes.statusRequired' }),
});

/** An action's owner may change only its status. */
export const actionStatusSchema = z.object({
  status: z.enum(ACTION_STATUSES, { error: 'errors.minutes.statusRequired' }),
});

/** The action log's filters; each is read on its own, so one bad value does not drop the others. */
export const logFilterFields = {
  seriesId: recordId('errors.minutes.filterInvalid'),
  unitId: recordId('errors.minutes.filterInvalid'),
  status: z.enum(ACTION_STATUSES),
  show: z.enum(['open', 'overdue']),
  /** Keyset cursor: the last row's due date (or "none") and id. */
  after: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2}|none)\.[1-9][0-9]{0,9}$/)
    .refine((s) => Number(s.split('.')[1]) <= MAX_ID),
} as const;
