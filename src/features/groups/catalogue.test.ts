import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_STAGES, CHANNELS, GROUP_ROLES, HEARD_VIA, OUTREACH_KINDS, PERSON_STATUSES } from '../../platform/db/types.ts';
import { hasKey } from '../../platform/i18n/index.ts';

/** Every word the groups, recruitment and outreach pages show comes from the catalogue. */
describe('the words of groups, recruitment and outreach', () => {
  const sources = ['groups', 'recruitment', 'outreach']
    .flatMap((feature) => {
      const dir = new URL(`../${feature}/`, import.meta.url);
      return [
        ...readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')),
        ...readdirSync(new URL('views/', dir)).map((f) => readFileSync(new URL(`views/${f}`, dir), 'utf8')),
      ];
    })
    .join('\n');

  it('has every key the templates and code name literally', () => {
    const keys = new Set([...sources.matchAll(/\bt\(\s*["'`]([a-zA-Z][\w.]*)["'`]/g)].map((m) => m[1] as string));
    for (const m of sources.matchAll(/['"`](errors\.(?:groups|recruitment|outreach|people)\.[\w.]+)['"`]/g)) keys.add(m[1] as string);
    expect(keys.size).toBeGreaterThan(150);
    const missing = [...keys].filter((k) => !k.endsWith('.') && !hasKey(k) && !hasKey(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it('has the keys built from values', () => {
    const keys = [
      ...GROUP_ROLES.map((r) => `groups.roles.${r}`),
      ...PERSON_STATUSES.map((s) => `groups.personStatus.${s}`),
      ...CANDIDATE_STAGES.map((s) => `recruitment.stages.${s}`),
      ...OUTREACH_KINDS.map((k) => `outreach.kinds.${k}`),
      ...HEARD_VIA.map((h) => `outreach.heardVia.${h}`),
      ...CHANNELS.filter((c) => c !== 'post').map((c) => `outreach.channels.${c}`),
    ];
    expect(keys.filter((k) => !hasKey(k))).toEqual([]);
  });
});
