import { describe, it } from 'vitest';
import { ACTION_STATUSES, ATTENDANCE_ROLES, ATTENDANCE_STATUSES, PUBLICATION, RSVP_RESPONSES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the attendance, minutes and action pages show comes from the catalogue. */
describe('the words of attendance, minutes and actions', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['minutes'], atLeast: 150 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...ATTENDANCE_ROLES.map((r) => `minutes.roles.${r}`),
      ...ATTENDANCE_STATUSES.map((s) => `minutes.statuses.${s}`),
      ...RSVP_RESPONSES.map((r) => `minutes.rsvp.${r}`),
      ...ACTION_STATUSES.map((s) => `minutes.actionStatuses.${s}`),
      ...PUBLICATION.flatMap((p) => [`minutes.publication.${p}`, `minutes.publication.${p}Hint`, `minutes.publication.done.${p}`]),
      'minutes.log.daysOverdue_one', 'minutes.log.daysOverdue_other', 'minutes.read.unnamed_one', 'minutes.read.unnamed_other',
    ]);
  });
});
