import { describe, expect, it } from 'vitest';
import { availabilityCode, choiceCode, guessMapping, INITIAL_DEFAULTS, multiCodes, rowInput } from './mapping.ts';

describe('guessing what each column holds', () => {
  it('knows the usual header names, whatever their case and punctuation', () => {
    expect(guessMapping(['Name', 'E-mail address', 'Mobile', 'Post code', 'Access needs', 'How did you hear?', 'Favourite colour'])).toEqual([
      'fullName', 'email', 'phone', 'postcode', 'accessNeeds', 'heardVia', null,
    ]);
    expect(guessMapping(['Full name', 'Known as', 'Preferred channel', 'Format', 'Language', 'Status', 'Notes'])).toEqual([
      'fullName', 'preferredName', 'preferredChannel', 'format', 'formatLanguage', 'status', 'notes',
    ]);
  });

  it('matches a header that contains a field name, and uses each field for one column only', () => {
    expect(guessMapping(['Email address (home)', 'Email', 'Telephone number (day)'])).toEqual([null, 'email', 'phone']);
    expect(guessMapping(['Email address (home)', 'Name'])).toEqual(['email', 'fullName']);
    expect(guessMapping(['email', 'EMAIL'])).toEqual(['email', null]);
  });
});

describe('words into codes', () => {
  it('takes codes or the words shown on screen, in any case', () => {
    expect(choiceCode('preferredChannel', 'Text message')).toBe('sms');
    expect(choiceCode('preferredChannel', 'SMS')).toBe('sms');
    expect(choiceCode('format', 'Large Print')).toBe('large_print');
    expect(choiceCode('format', 'easy_read')).toBe('easy_read');
    expect(choiceCode('relationship', 'Service user')).toBe('service_user');
    expect(choiceCode('paymentPreference', 'Expenses only')).toBe('expenses_only');
    expect(choiceCode('heardVia', 'Word of mouth')).toBe('word_of_mouth');
    expect(choiceCode('status', 'ACTIVE')).toBe('active');
    expect(choiceCode('status', 'sleeping')).toBe('sleeping');
  });

  it('splits access needs and availability on ; or , and keeps unknown words for the schema to refuse', () => {
    expect(multiCodes('accessNeeds', 'Step-free access; BSL interpreter, quiet_room')).toEqual(['step_free', 'bsl_interpreter', 'quiet_room']);
    expect(multiCodes('accessNeeds', 'Support worker/carer attending;hearing loop')).toEqual(['support_worker', 'hearing_loop']);
    expect(multiCodes('accessNeeds', 'a pony')).toEqual(['a pony']);
    expect(multiCodes('availability', 'tue_pm; Wednesday morning, Fri eve')).toEqual(['tue_pm', 'wed_am', 'fri_eve']);
    expect(availabilityCode('Tuesdays afternoons')).toBe('tue_pm');
    expect(availabilityCode('sometimes')).toBeNull();
  });

  it('builds the input for personSchema with defaults where the sheet says nothing', () => {
    const input = rowInput(['Ann Bell', '', 'Paused', 'loop'], { columns: ['fullName', 'email', 'status', 'accessNeeds'], defaults: INITIAL_DEFAULTS }, 7);
    expect(input).toEqual({ unitId: 7, fullName: 'Ann Bell', status: 'paused', accessNeeds: ['hearing_loop'], preferredChannel: 'email', format: 'standard', relationship: 'service_user', anonymity: 'full_name', paymentPreference: 'expenses_only' });
  });
});
