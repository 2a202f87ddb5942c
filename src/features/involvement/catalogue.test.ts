import { describe, it } from 'vitest';
import { CANDIDATE_STAGES, FORMATS, HEARD_VIA, PERSON_STATUSES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the involvement hub, dashboard and messages show comes from the catalogue. */
describe('the words of the involvement feature', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { atLeast: 40 }));

  it('has the keys built from values: statuses, sources, stages, channels, formats and hub links', () => {
    const keys = [
      ...PERSON_STATUSES.map((s) => `involvement.statuses.${s}`),
      ...[...HEARD_VIA, 'notRecorded'].map((h) => `involvement.heardVia.${h}`),
      ...CANDIDATE_STAGES.map((s) => `involvement.stages.${s}`),
      ...['email', 'sms', 'post', 'phone'].map((c) => `involvement.channels.${c}`),
      ...FORMATS.map((f) => `involvement.formats.${f}`),
      ...['register', 'import', 'groups', 'recruitment', 'outreach', 'opportunities', 'messages', 'equality', 'insights'].flatMap((l) => [
        `involvement.hub.links.${l}.heading`,
        `involvement.hub.links.${l}.description`,
      ]),
    ];
    expectInCatalogue(keys);
  });
});
