import { describe, expect, it } from 'vitest';
import { findPersonalDetails, isValidNhsNumber, nhsCheckDigit, redact, ukPhoneDigits, type RedactionSpan } from './redaction.ts';

const found = (text: string, names: string[] = []) => findPersonalDetails(text, { names }).map((s) => [s.kind, s.text]);

describe('the redaction suggester', () => {
  it('finds email addresses without the full stop after them', () => {
    expect(found('Write to jo.bloggs+nhs@example.co.uk. Or not.')).toEqual([['email', 'jo.bloggs+nhs@example.co.uk']]);
  });

  it('finds UK mobiles, landlines and +44 numbers written in the usual ways', () => {
    for (const phone of ['07700 900123', '07700900123', '07700-900-123', '(020) 7946 0018', '020 7946 0018', '0113 496 0000', '01632 960001',
      '+44 7700 900123', '+447700900123', '+44 (0)20 7946 0018', '+44 (0) 113 496 0000', '0044 20 7946 0018', '0300 123 4567']) {
      expect(found(`Ring me on ${phone} after six.`), phone).toEqual([['phone', phone]]);
    }
  });

  it('leaves numbers alone that are not UK phone numbers', () => {
    expect(found('Bed 12 on ward 7, room 0123, 2 hours and 45 minutes, in 2024. Code 0800 12.')).toEqual([]);
    // Too many digits for a mobile.
    expect(found('Ref 077009001234')).toEqual([]);
  });

  it('finds NHS numbers only when the check digit is right', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(found('NHS number 943 476 5919, or 9434765919.')).toEqual([['nhs_number', '943 476 5919'], ['nhs_number', '9434765919']]);
    expect(found('Order 943 476 5918 and 9434765910.')).toEqual([]);
    // A first nine digits whose check digit would be 10 have no valid NHS number.
    expect(nhsCheckDigit('000000006')).toBeNull();
  });

  it('finds names after a title, after "my name is" and "called", and the teller’s own', () => {
    expect(found('Dr Patel and Nurse Jones were kind. Sister Mary Green too.')).toEqual([['name', 'Dr Patel'], ['name', 'Nurse Jones'], ['name', 'Sister Mary Green']]);
    expect(found('My name is Ann Smith and a nurse called Sam helped. I called the ward.')).toEqual([['name', 'Ann Smith'], ['name', 'Sam']]);
    expect(found('I am Jo. Jo Bloggs wrote this. JO again; Joanne is not me.', ['Jo Bloggs'])).toEqual([['name', 'Jo'], ['name', 'Jo Bloggs'], ['name', 'JO']]);
    expect(found('my sister was seen by the doctor')).toEqual([]);
  });

  it('prefers the email over a name inside it', () => {
    expect(found('Email jo@bloggs.org', ['Jo Bloggs'])).toEqual([['email', 'jo@bloggs.org']]);
  });

  it('reads a UK phone number typed on its own', () => {
    expect(ukPhoneDigits(' +44 (0)20 7946 0018 ')).toBe('02079460018');
    expect(ukPhoneDigits('07700 900123')).toBe('07700900123');
    expect(ukPhoneDigits('(01632) 960001')).toBe('01632960001');
    for (const bad of ['12345', '07700 90012', '+1 202 555 0123', '07700 900123 ext 4', '08001234567', 'phone me']) expect(ukPhoneDigits(bad), bad).toBeNull();
  });

  it('replaces each span with the words for its kind', () => {
    const text = 'Dr Patel rang 07700 900123.';
    const spans: RedactionSpan[] = findPersonalDetails(text);
    expect(redact(text, spans, (k) => `[${k}]`)).toBe('[name] rang [phone].');
  });
});
