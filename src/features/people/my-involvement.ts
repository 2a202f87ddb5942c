import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { consentView, historyView, personFormItems } from './present.ts';
import * as people from './service.ts';

const V = 'people/views';

/**
 * Self-service for partners: the register entry linked to their account (people.user_id), their
 * consents and their involvement history. Every view and change is audited by the service.
 */
async function profileView(request: FastifyRequest, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const own = await people.myProfileForEdit(request.ctx);
  const shown = values ?? own.values;
  return { pageTitle: t('people.self.profileTitle'), ...personFormItems(shown), values: shown, errors };
}

export default async function myInvolvementRoutes(app: FastifyInstance): Promise<void> {
  app.get('/my-involvement', async (request, reply) => {
    const record = await people.myRecord(request.ctx);
    if (!record) return reply.page(`${V}/my-involvement.njk`, { pageTitle: t('people.self.title'), record: null });
    const { person } = record;
    return reply.page(`${V}/my-involvement.njk`, {
      pageTitle: t('people.self.title'),
      record: true,
      person,
      unit: record.unit,
      status: t(`people.statuses.${person.status}`),
      fields: {
        channel: t(`people.channels.${person.preferred_channel}`),
        format: t(`people.formats.${person.format}`),
        anonymity: t(`people.anonymity.${person.anonymity}`),
        payment: t(`people.payment.${person.payment_preference}`),
      },
      interests: record.attributes.interest,
      accessNeeds: record.attributes.access_need.map((a) => t(`people.accessNeeds.${a}`)),
      availability: record.attributes.availability.map((a) => t(`people.availability.${a}`)),
      consents: record.consents.map(consentView),
      history: historyView(record.history),
    });
  });

  app.get('/my-involvement/profile', async (request, reply) => reply.page(`${V}/my-profile.njk`, await profileView(request)));

  app.post('/my-involvement/profile', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      await people.updateMyProfile(request.ctx, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/my-profile.njk`, await profileView(request, input, translateErrors(err.fields)));
    }
    reply.flash(t('people.self.profileSaved'));
    return reply.redirect('/my-involvement', 303);
  });

  app.post('/my-involvement/consents', async (request, reply) => {
    // The buttons always send a kind and a choice; anything else is a bad request (the error page).
    const c = await people.recordMyConsent(request.ctx, cleanForm(request.body));
    reply.flash(t(c.given ? 'people.self.consentGiven' : 'people.self.consentWithdrawn', { kind: t(`people.consentKinds.${c.kind}`) }));
    return reply.redirect('/my-involvement', 303);
  });
}
