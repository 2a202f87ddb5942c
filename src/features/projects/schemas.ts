import { z } from 'zod';
import { INVOLVEMENT_LEVELS, MEMBER_ROLES, STAGES } from '../../platform/db/types.ts';
import { recordId } from '../../platform/http/fields.ts';
import { MAX_ID } from './access.ts';

/**
 * Rules for what a project, a team member and the portfolio filters may hold. The HTML forms, the
 * JSON API and its OpenAPI document all use these. Messages are catalogue keys (projects.json).
 */

export const TITLE_MAX = 200;
export const AIM_MAX = 2000;
export const BACKGROUND_MAX = 5000;
export const PROGRAMME_MAX = 120;
export const NOTE_MAX = 1000;
export const NAME_MAX = 120;

/** Involvement levels at which service users or carers are taking part in the work itself. */
export const WITH_INPUT_LEVELS = ['involved', 'co_produced', 'user_led'] as const satisfies readonly (typeof INVOLVEMENT_LEVELS)[number][];
/** Member roles held by people with lived experience. */
export const PARTNER_ROLES = ['service_user_partner', 'carer_partner'] as const satisfies readonly (typeof MEMBER_ROLES)[number][];

/** A NUL character cannot be stored (PostgreSQL refuses it) and is never meant: it is named, not silently dropped. */
const noNul = (s: string): boolean => !s.includes('\u0000');
const BAD_CHARACTER = 'errors.projects.badCharacter';

const unitId = z.coerce
  .number({ error: 'errors.projects.unitRequired' })
  .int('errors.projects.unitRequired')
  .positive('errors.projects.unitRequired')
  .max(MAX_ID, 'errors.projects.unitRequired')
  .describe('The organisation unit (team or service) the project belongs to.');
const title = z.string({ error: 'errors.projects.titleRequired' }).max(TITLE_MAX, 'errors.projects.titleTooLong').refine(noNul, BAD_CHARACTER);
const aim = z
  .string({ error: 'errors.projects.aimRequired' })
  .max(AIM_MAX, 'errors.projects.aimTooLong')
  .refine(noNul, BAD_CHARACTER)
  .describe('What will improve, by how much, and by when.');
const background = z.string({ error: 'errors.projects.backgroundInvalid' }).max(BACKGROUND_MAX, 'errors.projects.backgroundTooLong').refine(noNul, BAD_CHARACTER).nullish();
const stage = z.enum(STAGES, { error: 'errors.projects.stageRequired' });
const programme = z
  .string({ error: 'errors.projects.programmeInvalid' })
  .max(PROGRAMME_MAX, 'errors.projects.programmeTooLong')
  .refine(noNul, BAD_CHARACTER)
  .nullish()
  .describe('Programme or priority area, e.g. "Reshaping Community Services".');
const involvementLevel = z.enum(INVOLVEMENT_LEVELS, { error: 'errors.projects.involvementRequired' });
const note = z
  .string({ error: 'errors.projects.noteInvalid' })
  .max(NOTE_MAX, 'errors.projects.noteTooLong')
  .refine(noNul, BAD_CHARACTER)
  .nullish()
  .describe('Why the stage or involvement level changed; kept in the project history.');

export const createProjectSchema = z.object({ unitId, title, aim, background, stage, programme, involvementLevel });
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

/** The edit form: every field as it should be afterwards (the unit may stay as it is). */
export const updateProjectSchema = z.object({ unitId: unitId.optional(), title, aim, background, stage, programme, involvementLevel, note });
/** PATCH in the API: only the fields sent change; null clears background or programme. */
export const patchProjectSchema = updateProjectSchema.partial();
export type UpdateProjectInput = z.infer<typeof patchProjectSchema>;

export const addMemberSchema = z.object({
  role: z.enum(MEMBER_ROLES, { error: 'errors.projects.memberRoleRequired' }),
  email: z
    .string({ error: 'errors.projects.memberEmailInvalid' })
    .max(254, 'errors.projects.memberEmailInvalid')
    .pipe(z.email({ error: 'errors.projects.memberEmailInvalid' }))
    .transform((e) => e.toLowerCase())
    .optional()
    .describe('The email address of someone with an Alongside account.'),
  displayName: z
    .string({ error: 'errors.projects.memberNameInvalid' })
    .max(NAME_MAX, 'errors.projects.memberNameTooLong')
    .refine(noNul, BAD_CHARACTER)
    .optional()
    .describe('For a service-user or carer partner without an account: the name they want to be known by.'),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;

/** Adding a partner from the involvement register: the person chosen from the search, and their role. */
export const addFromRegisterSchema = z.object({
  personId: recordId('errors.projects.registerPersonRequired'),
  partnerRole: z.enum(PARTNER_ROLES, { error: 'errors.projects.registerRoleRequired' }),
});

/** The register search box on the team page. */
export const REGISTER_SEARCH_MAX = 100;
export const registerSearchSchema = z.string().max(REGISTER_SEARCH_MAX, 'errors.projects.registerSearchTooLong').refine(noNul, BAD_CHARACTER);

/** A month as "YYYY-MM". */
export const monthSchema = z.string({ error: 'errors.projects.monthInvalid' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'errors.projects.monthInvalid');

const optionalId = (key: string) => z.coerce.number({ error: key }).int(key).positive(key).max(MAX_ID, key);

export const portfolioQuerySchema = z.object({
  unitId: optionalId('errors.projects.unitFilterInvalid').optional().describe('Only projects in this unit and the units inside it.'),
  stage: z.enum(STAGES, { error: 'errors.projects.stageFilterInvalid' }).optional(),
  programme: z.string().max(PROGRAMME_MAX, 'errors.projects.programmeTooLong').refine(noNul, BAD_CHARACTER).optional(),
  involvementLevel: z.enum(INVOLVEMENT_LEVELS, { error: 'errors.projects.involvementFilterInvalid' }).optional(),
  q: z.string().max(100, 'errors.projects.searchTooLong').refine(noNul, BAD_CHARACTER).optional().describe('Text to look for in project titles.'),
  before: optionalId('errors.projects.pageInvalid').optional().describe('Keyset cursor: the nextBefore of the previous page.'),
  limit: z.coerce.number({ error: 'errors.projects.limitInvalid' }).int('errors.projects.limitInvalid').min(1, 'errors.projects.limitInvalid').max(100, 'errors.projects.limitInvalid').optional().describe('Projects per page, 1 to 100 (default 25).'),
});
export type PortfolioQuery = z.infer<typeof portfolioQuerySchema>;

export const involvementShareQuerySchema = z.object({
  unitId: optionalId('errors.projects.unitFilterInvalid').optional().describe('Only projects in this unit and the units inside it.'),
  month: monthSchema.optional().describe('The month, as YYYY-MM; the answer is as at the end of it. Default: this month.'),
});

// ---- What the JSON API answers

export const projectJsonSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  title: z.string(),
  aim: z.string(),
  background: z.string().nullable(),
  stage: z.enum(STAGES),
  programme: z.string().nullable(),
  involvementLevel: z.enum(INVOLVEMENT_LEVELS),
  createdAt: z.string().describe('UTC, ISO 8601.'),
  updatedAt: z.string().describe('UTC, ISO 8601.'),
});
export type ProjectJson = z.infer<typeof projectJsonSchema>;

export const projectListJsonSchema = z.object({
  items: z.array(projectJsonSchema).describe('Newest first.'),
  nextBefore: z.number().int().nullable().describe('Pass as ?before= for the next page; null on the last page.'),
});

export const memberJsonSchema = z.object({
  id: z.number().int(),
  userId: z.number().int().nullable().describe('Null for a partner without an account.'),
  name: z.string(),
  role: z.enum(MEMBER_ROLES),
  joinedOn: z.string().describe('YYYY-MM-DD'),
  leftOn: z.string().nullable().describe('YYYY-MM-DD; null while they are in the team.'),
});
export type MemberJson = z.infer<typeof memberJsonSchema>;

export const memberListJsonSchema = z.object({
  items: z.array(memberJsonSchema).describe('Current members first, then people who have left.'),
});

export const involvementShareJsonSchema = z.object({
  month: z.string().describe('YYYY-MM'),
  unitId: z.number().int().nullable(),
  total: z.number().int().describe('Projects open (not closed) at the end of the month.'),
  withInput: z.number().int().describe('Of those, projects with service-user or carer input.'),
  percentage: z.number().nullable().describe('withInput as a percentage of total, to 1 decimal place; null when total is 0.'),
});

/**
 * The projects part of /api/v1: the routes are registered by this feature (api.ts), and the API
 * feature's OpenAPI document describes them from here, so the two cannot disagree.
 */
export const PROJECTS_API = {
  requestSchemas: {
    CreateProject: createProjectSchema,
    UpdateProject: patchProjectSchema,
  },
  responseSchemas: {
    Project: projectJsonSchema,
    ProjectList: projectListJsonSchema,
    ProjectMemberList: memberListJsonSchema,
    InvolvementShare: involvementShareJsonSchema,
  },
  endpoints: {
    listProjects: { method: 'GET', path: '/projects', scope: 'projects:read', query: portfolioQuerySchema, response: { status: 200, schema: 'ProjectList' } },
    createProject: { method: 'POST', path: '/projects', scope: 'projects:write', request: 'CreateProject', response: { status: 201, schema: 'Project' } },
    getInvolvementShare: {
      method: 'GET',
      path: '/projects/involvement-share',
      scope: 'projects:read',
      query: involvementShareQuerySchema,
      response: { status: 200, schema: 'InvolvementShare' },
    },
    getProject: { method: 'GET', path: '/projects/:id', scope: 'projects:read', response: { status: 200, schema: 'Project' } },
    updateProject: { method: 'PATCH', path: '/projects/:id', scope: 'projects:write', request: 'UpdateProject', response: { status: 200, schema: 'Project' } },
    listProjectMembers: { method: 'GET', path: '/projects/:id/members', scope: 'projects:read', response: { status: 200, schema: 'ProjectMemberList' } },
  },
} as const;
