import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { badInputView, measuresView } from './present.ts';
import * as measures from './service.ts';

const V = 'story-measures/views';

/** The story measures page and its figures as CSV. A bad month is a 400 naming the field; a unit outside the user's units a 404. */
export default async function storyMeasuresRoutes(app: FastifyInstance): Promise<void> {
  app.get('/feedback/measures', async (request, reply) => {
    const raw = cleanForm(request.query);
    try {
      return reply.page(`${V}/measures.njk`, measuresView(await measures.storyMeasures(request.ctx, raw)));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const units = await measures.unitsForForm(request.ctx);
      return reply.code(400).page(`${V}/measures.njk`, { ...badInputView(units, raw), errors: translateErrors(err.fields) });
    }
  });

  app.get('/feedback/measures.csv', async (request, reply) => {
    let figures: measures.StoryMeasures;
    try {
      figures = await measures.storyMeasures(request.ctx, cleanForm(request.query));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const lines = translateErrors(err.fields).map((e) => `${e.field}: ${e.message}`);
      return reply.code(400).type('text/plain; charset=utf-8').send(`${lines.join('\n')}\n`);
    }
    const { filename, body } = measures.measuresCsv(figures);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
