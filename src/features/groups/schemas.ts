import { z } from 'zod';
import { GROUP_ROLES } from '../../platform/db/types.ts';
import { day, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a group and its members may hold. Messages are catalogue keys under errors.groups
 * (groups.json).
 */

export const NAME_MAX = 120;
export const PURPOSE_MAX = 2000;
export const TERMS_MAX = 10000;
export const CADENCE_MAX = 200;
export const SEARCH_MAX = 100;

const optionalId = (key: string) => recordId(key).optional();

export const groupSchema = z.object({
  unitId: recordId('errors.groups.unitRequired'),
  name: requiredText(NAME_MAX, { required: 'errors.groups.nameRequired', tooLong: 'errors.groups.nameTooLong' }),
  purpose: optionalText(PURPOSE_MAX, 'errors.groups.purposeTooLong'),
  termsOfReference: optionalText(TERMS_MAX, 'errors.groups.termsTooLong'),
  cadence: optionalText(CADENCE_MAX, 'errors.groups.cadenceTooLong'),
});
export type GroupInput = z.infer<typeof groupSchema>;

export const addMemberSchema = z.object({
  personId: recordId('errors.groups.personRequired'),
  role: z.enum(GROUP_ROLES, { error: 'errors.groups.roleRequired' }),
  joinedOn: day('errors.groups.joinedOnInvalid'),
});

export const changeRoleSchema = z.object({
  role: z.enum(GROUP_ROLES, { error: 'errors.groups.roleRequired' }),
});

export const leaveSchema = z.object({
  leftOn: day('errors.groups.leftOnInvalid'),
});

/** The "find a person" box: a name to look for in the register. */
export const findPersonSchema = z.object({
  q: z.string().max(SEARCH_MAX, 'errors.groups.searchTooLong').optional(),
});

export const listQuerySchema = z.object({
  archived: z.enum(['yes']).optional(),
  before: optionalId('errors.groups.pageInvalid'),
});
