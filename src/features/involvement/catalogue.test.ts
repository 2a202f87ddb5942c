import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_STAGES, FORMATS, HEARD_VIA, PERSON_STATUSES } from '../../platform/db/types.ts';
import { hasKey } from '../../platform/i18n/index.ts';

/** Every word the involvement hub, dashboard and messages show comes from the catalogue. */
describe('the words of the involvement feature', () => {
  const dir = new URL('./', import.meta.url);
  const sources = [
    ...readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')),
    ...readdirSync(new URL('views/', dir)).map((f) => readFileSync(new URL(`views/${f}`, dir), 'utf8')),
  ].join('\n');

  it('has every key the templates and code name literally', () => {
    const keys = new Set([...sources.matchAll(/\bt\(\s*["'`]([a-zA-Z][\w.]*)["'`]/g)].map((m) => m[1] as string));
    expect(keys.size).toBeGreaterThan(40);
    const missing = [...keys].filter((k) => !k.endsWith('.') && !hasKey(k) && !hasKey(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it('has the keys built from values: statuses, sources, stages, channels, formats and hub links', () => {
    const keys = [
      ...PERSON_STATUSES.map((s) => `involvement.statuses.${s}`),
      ...[...HEARD_VIA, 'notRecorded'].map((h) => `involvement.heardVia.${h}`),
      ...CANDIDATE_STAGES.map((s) => `involvement.stages.${s}`),
      ...['email', 'sms', 'post', 'phone'].map((c) => `involvement.channels.${c}`),
      ...FORMATS.map((f) => `involvement.formats.${f}`),
      ...['register', 'import', 'groups', 'recruitment', 'outreach', 'opportunities', 'messages', 'equality'].flatMap((l) => [
        `involvement.hub.links.${l}.heading`,
        `involvement.hub.links.${l}.description`,
      ]),
    ];
    expect(keys.filter((k) => !hasKey(k))).toEqual([]);
  });
});
