import { describe, it } from 'vitest';
import { CHANNELS, FORMATS, RSVP_RESPONSES, VENUE_FEATURES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { ANSWERS } from './schemas.ts';

/** Every word the invitation pages and messages show comes from the catalogue. */
describe('the words of invitations', () => {
  const folder = new URL('./', import.meta.url);

  it('has every key the templates and code name literally', () => expectLiteralKeysInCatalogue([folder], { errorAreas: ['invitations'], atLeast: 80 }));

  it('has the keys built from values', () => {
    const messageParts = ['subject', 'sms', 'greeting', 'intro', 'introWithSeries', 'whenLine', 'whereLine', 'alsoOnline', 'onlineLink', 'access', 'answer', 'answerByPost', 'changeAnswer', 'attached', 'enclosed', 'thanks'];
    expectInCatalogue([
      ...VENUE_FEATURES.map((f) => `invitations.venueFeatures.${f}`),
      ...CHANNELS.map((c) => `invitations.channels.${c}`),
      ...FORMATS.map((f) => `invitations.formats.${f}`),
      ...RSVP_RESPONSES.map((r) => `invitations.answers.${r}`),
      ...ANSWERS.flatMap((a) => [`invitations.rsvp.answers.${a}`, `invitations.rsvp.done.${a}`]),
      ...['noConsent', 'unreachable'].map((c) => `invitations.list.contact.${c}`),
      ...['plain', 'easyRead'].flatMap((style) => messageParts.map((part) => `invitations.message.${style}.${part}`)),
    ]);
  });
});
