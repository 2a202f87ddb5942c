import type { Person } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';

/**
 * The name to show wherever a person's name or words appear outside the register (team lists,
 * opportunities, stories, minutes), honouring their anonymity preference. The register itself and
 * the person's own profile show the full name.
 */
export function shownName(person: Pick<Person, 'full_name' | 'preferred_name' | 'anonymity' | 'erased_at'>): string {
  if (person.erased_at) return t('people.naming.erased');
  const name = (person.preferred_name ?? person.full_name).trim();
  const words = person.full_name.trim().split(/\s+/).filter(Boolean);
  switch (person.anonymity) {
    case 'full_name':
      return person.preferred_name ? `${person.preferred_name} ${words.slice(1).join(' ')}`.trim() : person.full_name;
    case 'first_name':
      return name.split(/\s+/)[0] ?? name;
    case 'initials':
      return words.map((w) => `${w[0]?.toUpperCase() ?? ''}.`).join(' ');
    case 'anonymous':
      return t('people.naming.anonymous');
  }
}
