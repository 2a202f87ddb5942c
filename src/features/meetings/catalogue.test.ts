import { describe, it } from 'vitest';
import { AGENDA_KINDS, SERIES_KINDS, SERIES_MEMBER_ROLES, SLOT_FOCUSES, VENUE_FEATURES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the meetings pages and the agenda document show comes from the catalogue. */
describe('the words of meetings', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['meetings'], atLeast: 250 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...SERIES_KINDS.flatMap((k) => [`meetings.seriesKinds.${k}.name`, `meetings.seriesKinds.${k}.hint`]),
      ...SERIES_MEMBER_ROLES.map((r) => `meetings.roles.${r}`),
      ...VENUE_FEATURES.flatMap((f) => [`meetings.features.${f}.name`, `meetings.features.${f}.hint`]),
      ...AGENDA_KINDS.map((k) => `meetings.agendaKinds.${k}.name`),
      ...SLOT_FOCUSES.flatMap((f) => [`meetings.focuses.${f}.name`, `meetings.focuses.${f}.hint`]),
      ...['noFile', 'tooLarge', 'uploadBroken'].map((k) => `errors.meetings.paper.${k}`),
      // Words chosen by a condition in the routes, so not named literally in a t('…') call.
      'meetings.venues.restored', 'meetings.venues.archivedDone', 'meetings.series.restored', 'meetings.series.archivedDone',
      'meetings.meeting.reinstated', 'meetings.meeting.cancelledDone', 'meetings.print.title', 'meetings.print.largeTitle',
      // The project page's forum visits (projects/views/project.njk).
      'meetings.visits.title', 'meetings.visits.intro', 'meetings.visits.caption', 'meetings.visits.none', 'meetings.visits.cancelled',
      'meetings.visits.columns.date', 'meetings.visits.columns.series', 'meetings.visits.columns.focus',
    ]);
  });
});
