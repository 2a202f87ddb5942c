import { describe, it } from 'vitest';
import { CANDIDATE_STAGES, CHANNELS, GROUP_ROLES, HEARD_VIA, OUTREACH_KINDS, PERSON_STATUSES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the groups, recruitment and outreach pages show comes from the catalogue. */
describe('the words of groups, recruitment and outreach', () => {
  const folders = ['groups', 'recruitment', 'outreach'].map((feature) => new URL(`../${feature}/`, import.meta.url));

  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue(folders, { errorAreas: ['groups', 'recruitment', 'outreach', 'people'], atLeast: 150 }));

  it('has the keys built from values', () => {
    const keys = [
      ...GROUP_ROLES.map((r) => `groups.roles.${r}`),
      ...PERSON_STATUSES.map((s) => `groups.personStatus.${s}`),
      ...CANDIDATE_STAGES.map((s) => `recruitment.stages.${s}`),
      ...OUTREACH_KINDS.map((k) => `outreach.kinds.${k}`),
      ...HEARD_VIA.map((h) => `outreach.heardVia.${h}`),
      ...CHANNELS.filter((c) => c !== 'post').map((c) => `outreach.channels.${c}`),
    ];
    expectInCatalogue(keys);
  });
});
