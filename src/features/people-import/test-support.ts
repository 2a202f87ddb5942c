import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Browser, TestApp } from '../../../test/support/app.ts';

/** A multipart body as the upload form sends it: the unit first, then the file. */
export function uploadBody(unitId: number | string, filename: string, content: Buffer): { payload: Buffer; contentType: string } {
  const boundary = `----alongside${randomBytes(8).toString('hex')}`;
  const type = filename.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="unitId"\r\n\r\n${unitId}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function uploadRegister(t: TestApp, b: Browser, unitId: number | string, filename: string, content: string | Buffer): Promise<LightMyRequestResponse> {
  if (!b.csrf) await b.get('/people/import');
  const body = uploadBody(unitId, filename, typeof content === 'string' ? Buffer.from(content) : content);
  return t.app.inject({
    method: 'POST',
    url: `/people/import/upload?_csrf=${encodeURIComponent(b.csrf)}`,
    payload: body.payload,
    headers: { cookie: b.cookieHeader(), 'content-type': body.contentType },
  });
}

/** The id in a redirect to /people/import/:id. */
export function importIdOf(res: LightMyRequestResponse): number {
  const m = /^\/people\/import\/(\d+)/.exec(String(res.headers.location ?? ''));
  if (!m) throw new Error(`not a redirect to an import: ${res.statusCode} ${String(res.headers.location)} ${res.body.slice(0, 500)}`);
  return Number(m[1]);
}

/** The selected option of each select on the mapping page, as form fields. */
export function mappingForm(html: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2] as string);
    form[m[1] as string] = selected?.[1] ?? '';
  }
  return form;
}

/** The body rows of the table with this class, each as its cells' text (responsive-table labels removed). */
export function tableRows(html: string, className: string): string[][] {
  const start = html.indexOf(className);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...(tr[1] as string).matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((td) =>
      (td[1] as string).replace(/<span class="nhsuk-table-responsive__heading"[^>]*>[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim().replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    ),
  );
}
