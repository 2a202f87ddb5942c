/**
 * How well a person in the register fits an opportunity. Pure: no database, no clock, so the
 * ranking can be tested (and property-tested) on its own. The service loads the candidates with
 * SQL filters (scope, status, consent) and hands them here.
 */

/** What the opportunity asks for and offers. Empty lists mean "no preference". */
export interface Wanted {
  interests: readonly string[];
  availability: readonly string[];
  /** Lived experience wanted: service_user and/or carer. */
  relationships: readonly string[];
  /** Access needs the venue meets. */
  venueAccess: readonly string[];
}

export interface Candidate {
  id: number;
  status: string;
  relationship: string;
  interests: readonly string[];
  availability: readonly string[];
  accessNeeds: readonly string[];
  /** Current accepted/started matches plus current group memberships. */
  busy: number;
  /** Latest "contact" consent is given. */
  canContact: boolean;
}

export type Reason =
  | { code: 'interests'; values: string[] }
  | { code: 'availability'; values: string[] }
  | { code: 'relationship'; value: string }
  | { code: 'relationshipOther'; value: string }
  | { code: 'accessMet'; values: string[] }
  | { code: 'accessUnmet'; values: string[] }
  | { code: 'busy'; count: number }
  | { code: 'status'; value: string }
  | { code: 'noConsent' };

export interface Fit {
  id: number;
  score: number;
  reasons: Reason[];
  /** False when the person may not be contacted: never suggested. */
  suggestible: boolean;
}

export const WEIGHTS = {
  interest: 10,
  availability: 5,
  relationship: 20,
  accessMet: 5,
  accessUnmet: -30,
  busyEach: -3,
  active: 5,
} as const;

/** Which relationships give the lived experience asked for: "both" counts as service user and carer. */
function relationshipFits(personRelationship: string, wanted: readonly string[]): boolean {
  if (wanted.includes(personRelationship)) return true;
  return personRelationship === 'both' && (wanted.includes('service_user') || wanted.includes('carer'));
}

const overlap = (a: readonly string[], b: readonly string[]): string[] => {
  const set = new Set(b);
  return [...new Set(a)].filter((x) => set.has(x)).sort();
};

export function scoreCandidate(wanted: Wanted, c: Candidate): Fit {
  const reasons: Reason[] = [];
  let score = 0;

  const interests = overlap(c.interests, wanted.interests);
  if (interests.length) {
    score += WEIGHTS.interest * interests.length;
    reasons.push({ code: 'interests', values: interests });
  }
  const times = overlap(c.availability, wanted.availability);
  if (times.length) {
    score += WEIGHTS.availability * times.length;
    reasons.push({ code: 'availability', values: times });
  }
  if (wanted.relationships.length) {
    if (relationshipFits(c.relationship, wanted.relationships)) {
      score += WEIGHTS.relationship;
      reasons.push({ code: 'relationship', value: c.relationship });
    } else {
      reasons.push({ code: 'relationshipOther', value: c.relationship });
    }
  }
  const needs = [...new Set(c.accessNeeds)].sort();
  if (needs.length) {
    const unmet = needs.filter((n) => !wanted.venueAccess.includes(n));
    if (unmet.length) {
      score += WEIGHTS.accessUnmet;
      reasons.push({ code: 'accessUnmet', values: unmet });
    } else {
      score += WEIGHTS.accessMet;
      reasons.push({ code: 'accessMet', values: needs });
    }
  }
  const busy = Math.max(0, c.busy);
  score += WEIGHTS.busyEach * busy;
  reasons.push({ code: 'busy', count: busy });
  if (c.status === 'active') score += WEIGHTS.active;
  reasons.push({ code: 'status', value: c.status });
  if (!c.canContact) reasons.push({ code: 'noConsent' });
  return { id: c.id, score, reasons, suggestible: c.canContact };
}

/** Suggestions, best first (ties: the person added to the register first). People who may not be contacted are left out. */
export function rankCandidates(wanted: Wanted, candidates: readonly Candidate[]): Fit[] {
  return candidates
    .map((c) => scoreCandidate(wanted, c))
    .filter((f) => f.suggestible)
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
