import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCESS_NEEDS, AVAILABILITY } from '../../platform/db/types.ts';
import { rankCandidates, scoreCandidate, type Candidate, type Wanted } from './matching.ts';

const wanted: Wanted = { interests: ['mental health', 'housing'], availability: ['tue_pm', 'wed_am'], relationships: ['carer'], venueAccess: ['step_free'] };
const base: Candidate = { id: 1, status: 'active', relationship: 'service_user', interests: [], availability: [], accessNeeds: [], busy: 0, canContact: true };

describe('scoring one person against an opportunity', () => {
  it('gives the reasons in words-ready codes', () => {
    const fit = scoreCandidate(wanted, { ...base, relationship: 'carer', interests: ['housing', 'art'], availability: ['tue_pm'], accessNeeds: ['step_free'], busy: 2 });
    expect(fit.reasons).toEqual([
      { code: 'interests', values: ['housing'] },
      { code: 'availability', values: ['tue_pm'] },
      { code: 'relationship', value: 'carer' },
      { code: 'accessMet', values: ['step_free'] },
      { code: 'busy', count: 2 },
      { code: 'status', value: 'active' },
    ]);
    expect(fit.score).toBe(10 + 5 + 20 + 5 - 6 + 5);
  });

  it('puts someone whose access need the venue does not meet lower, and says which need', () => {
    const met = scoreCandidate(wanted, { ...base, accessNeeds: ['step_free'] });
    const unmet = scoreCandidate(wanted, { ...base, accessNeeds: ['step_free', 'hearing_loop'] });
    expect(unmet.score).toBeLessThan(met.score);
    expect(unmet.reasons).toContainEqual({ code: 'accessUnmet', values: ['hearing_loop'] });
  });

  it('counts "both" as the lived experience of a carer', () => {
    expect(scoreCandidate(wanted, { ...base, relationship: 'both' }).reasons).toContainEqual({ code: 'relationship', value: 'both' });
    expect(scoreCandidate(wanted, { ...base, relationship: 'volunteer' }).reasons).toContainEqual({ code: 'relationshipOther', value: 'volunteer' });
  });

  it('ranks fewer commitments first, other things equal', () => {
    const ranked = rankCandidates(wanted, [{ ...base, id: 1, busy: 3 }, { ...base, id: 2, busy: 0 }]);
    expect(ranked.map((f) => f.id)).toEqual([2, 1]);
  });

  it('never suggests someone who has not agreed to be contacted', () => {
    const ranked = rankCandidates(wanted, [{ ...base, id: 1, canContact: false, interests: ['housing'] }, { ...base, id: 2 }]);
    expect(ranked.map((f) => f.id)).toEqual([2]);
  });
});

const tag = fc.constantFrom('mental health', 'housing', 'art', 'sport', 'research', 'carers', 'youth');
const tags = fc.uniqueArray(tag, { maxLength: 5 });
const arbWanted: fc.Arbitrary<Wanted> = fc.record({
  interests: tags,
  availability: fc.uniqueArray(fc.constantFrom(...AVAILABILITY), { maxLength: 6 }),
  relationships: fc.uniqueArray(fc.constantFrom('service_user', 'carer'), { maxLength: 2 }),
  venueAccess: fc.uniqueArray(fc.constantFrom(...ACCESS_NEEDS), { maxLength: 6 }),
});
const arbCandidate: fc.Arbitrary<Candidate> = fc.record({
  id: fc.integer({ min: 1, max: 1000 }),
  status: fc.constantFrom('active', 'induction'),
  relationship: fc.constantFrom('service_user', 'carer', 'both', 'volunteer', 'governor', 'staff'),
  interests: tags,
  availability: fc.uniqueArray(fc.constantFrom(...AVAILABILITY), { maxLength: 6 }),
  accessNeeds: fc.uniqueArray(fc.constantFrom(...ACCESS_NEEDS), { maxLength: 3 }),
  busy: fc.integer({ min: 0, max: 10 }),
  canContact: fc.boolean(),
});

describe('properties of the ranking', () => {
  it('adding an interest the opportunity wants never lowers a score', () => {
    fc.assert(
      fc.property(arbWanted.filter((w) => w.interests.length > 0), arbCandidate, fc.nat(), (w, c, i) => {
        const extra = w.interests[i % w.interests.length] as string;
        expect(scoreCandidate(w, { ...c, interests: [...c.interests, extra] }).score).toBeGreaterThanOrEqual(scoreCandidate(w, c).score);
      }),
    );
  });

  it('adding a free time the opportunity wants never lowers a score', () => {
    fc.assert(
      fc.property(arbWanted.filter((w) => w.availability.length > 0), arbCandidate, fc.nat(), (w, c, i) => {
        const extra = w.availability[i % w.availability.length] as string;
        expect(scoreCandidate(w, { ...c, availability: [...c.availability, extra] }).score).toBeGreaterThanOrEqual(scoreCandidate(w, c).score);
      }),
    );
  });

  it('one more commitment never raises a score', () => {
    fc.assert(
      fc.property(arbWanted, arbCandidate, (w, c) => {
        expect(scoreCandidate(w, { ...c, busy: c.busy + 1 }).score).toBeLessThan(scoreCandidate(w, c).score);
      }),
    );
  });

  it('a person without consent to be contacted is never suggested, and everyone else is, best first', () => {
    fc.assert(
      fc.property(arbWanted, fc.uniqueArray(arbCandidate, { selector: (c) => c.id, maxLength: 20 }), (w, cs) => {
        const ranked = rankCandidates(w, cs);
        const noConsent = new Set(cs.filter((c) => !c.canContact).map((c) => c.id));
        expect(ranked.some((f) => noConsent.has(f.id))).toBe(false);
        expect(ranked.length).toBe(cs.length - noConsent.size);
        for (let i = 1; i < ranked.length; i++) expect((ranked[i - 1] as { score: number }).score).toBeGreaterThanOrEqual((ranked[i] as { score: number }).score);
      }),
    );
  });
});
