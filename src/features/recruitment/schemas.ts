import { z } from 'zod';
import { CANDIDATE_STAGES } from '../../platform/db/types.ts';
import { day, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/** What a recruitment campaign, its candidates and its work log may hold. Messages: errors.recruitment. */

export const TITLE_MAX = 200;
export const PROGRAMME_MAX = 120;
export const ACTIVITY_MAX = 300;
export const TARGET_MAX = 1000;

export const campaignSchema = z
  .object({
    unitId: recordId('errors.recruitment.unitRequired'),
    title: requiredText(TITLE_MAX, { required: 'errors.recruitment.titleRequired', tooLong: 'errors.recruitment.titleTooLong' }),
    groupId: recordId('errors.recruitment.groupInvalid').optional(),
    programme: optionalText(PROGRAMME_MAX, 'errors.recruitment.programmeTooLong'),
    targetSize: z.coerce
      .number({ error: 'errors.recruitment.targetInvalid' })
      .int('errors.recruitment.targetInvalid')
      .min(1, 'errors.recruitment.targetInvalid')
      .max(TARGET_MAX, 'errors.recruitment.targetInvalid'),
    startsOn: day('errors.recruitment.startsOnInvalid'),
    endsOn: day('errors.recruitment.endsOnInvalid').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.endsOn && c.endsOn < c.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'errors.recruitment.endsBeforeStart' });
  });
export type CampaignInput = z.infer<typeof campaignSchema>;

export const addCandidateSchema = z.object({
  personId: recordId('errors.recruitment.personRequired'),
  stage: z.enum(CANDIDATE_STAGES, { error: 'errors.recruitment.stageRequired' }),
  enteredOn: day('errors.recruitment.enteredOnInvalid'),
});

export const moveSchema = z.object({
  stage: z.enum(CANDIDATE_STAGES, { error: 'errors.recruitment.stageRequired' }),
  on: day('errors.recruitment.movedOnInvalid'),
});

const wholeNumber = (max: number) =>
  z.coerce.number({ error: 'errors.recruitment.timeInvalid' }).int('errors.recruitment.timeInvalid').min(0, 'errors.recruitment.timeInvalid').max(max, 'errors.recruitment.timeInvalid');

export const workSchema = z
  .object({
    onDate: day('errors.recruitment.workDateInvalid'),
    activity: requiredText(ACTIVITY_MAX, { required: 'errors.recruitment.activityRequired', tooLong: 'errors.recruitment.activityTooLong' }),
    hours: wholeNumber(24).optional(),
    minutes: wholeNumber(59).optional(),
    outreachEventId: recordId('errors.recruitment.eventInvalid').optional(),
  })
  .superRefine((w, ctx) => {
    if ((w.hours ?? 0) * 60 + (w.minutes ?? 0) === 0) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'errors.recruitment.timeRequired' });
  });

export const listQuerySchema = z.object({
  before: recordId('errors.recruitment.pageInvalid').optional(),
});
