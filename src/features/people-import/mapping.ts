import {
  ACCESS_NEEDS, ANONYMITY, CHANNELS, FORMATS, HEARD_VIA, PAYMENT_PREFERENCES, PERSON_STATUSES, RELATIONSHIPS,
} from '../../platform/db/types.ts';

/**
 * Which column of an uploaded register holds which person field, and how a cell's words become
 * the codes the register stores. Pure functions: the service, the tests and the benchmark use them.
 */

/** Person fields a column can be mapped to: the camelCase names of personFields (people/schemas.ts). */
export const IMPORT_FIELDS = [
  'fullName', 'preferredName', 'email', 'phone', 'address', 'postcode', 'preferredChannel', 'format', 'formatLanguage',
  'accessNeeds', 'accessNeedsOther', 'interests', 'skills', 'availability', 'availabilityNotes', 'relationship',
  'servicesKnown', 'anonymity', 'paymentPreference', 'heardVia', 'status', 'notes',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Required choices a sheet often lacks: every row without a value gets the lead's default. */
export const DEFAULTABLE = ['status', 'preferredChannel', 'format', 'relationship', 'anonymity', 'paymentPreference'] as const;
export type DefaultableField = (typeof DEFAULTABLE)[number];
export type Defaults = Record<DefaultableField, string>;

export const DEFAULT_CHOICES: Record<DefaultableField, readonly string[]> = {
  status: PERSON_STATUSES,
  preferredChannel: CHANNELS,
  format: FORMATS,
  relationship: RELATIONSHIPS,
  anonymity: ANONYMITY,
  paymentPreference: PAYMENT_PREFERENCES,
};

/** Sensible starting defaults: an imported list is usually enquiries, contacted by email, named in full. */
export const INITIAL_DEFAULTS: Defaults = {
  status: 'enquiry',
  preferredChannel: 'email',
  format: 'standard',
  relationship: 'service_user',
  anonymity: 'full_name',
  paymentPreference: 'expenses_only',
};

/** For each column: the field it fills, or null to leave it out. */
export type ColumnMapping = (ImportField | null)[];

export interface Mapping {
  columns: ColumnMapping;
  defaults: Defaults;
}

/** Lower case, letters and digits only: "E-mail address" → "emailaddress". */
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Header names people use for each field (squashed). The first list entries are matched exactly first. */
const HEADER_WORDS: Record<ImportField, string[]> = {
  fullName: ['fullname', 'name', 'personname', 'contactname', 'participant', 'participantname', 'nameofperson'],
  preferredName: ['preferredname', 'knownas', 'nickname', 'howtoaddress', 'callthem', 'likestobecalled'],
  email: ['email', 'emailaddress', 'mail'],
  phone: ['phone', 'telephone', 'tel', 'mobile', 'phonenumber', 'telephonenumber', 'mobilenumber', 'contactnumber', 'number'],
  address: ['address', 'postaladdress', 'homeaddress', 'street'],
  postcode: ['postcode', 'postalcode', 'zip', 'zipcode'],
  preferredChannel: ['preferredchannel', 'channel', 'contactby', 'contactmethod', 'preferredcontact', 'howtocontact', 'contactpreference'],
  format: ['format', 'preferredformat', 'formatneeds'],
  formatLanguage: ['formatlanguage', 'language', 'preferredlanguage'],
  accessNeeds: ['accessneeds', 'access', 'accessrequirements', 'reasonableadjustments'],
  accessNeedsOther: ['otheraccessneeds', 'accessneedsother', 'accessnotes'],
  interests: ['interests', 'interestedin', 'interest', 'topics'],
  skills: ['skills', 'skillsandtraining', 'training', 'courses', 'skill'],
  availability: ['availability', 'available', 'whenavailable', 'days'],
  availabilityNotes: ['availabilitynotes'],
  relationship: ['relationship', 'relationshiptoservices', 'connection', 'livedexperience', 'type'],
  servicesKnown: ['servicesknown', 'services', 'teams', 'servicesused', 'teamsknown'],
  anonymity: ['anonymity', 'anonymitypreference', 'naming'],
  paymentPreference: ['paymentpreference', 'payment', 'pay'],
  heardVia: ['heardvia', 'howheard', 'heardabout', 'howdidyouhear', 'source', 'referral'],
  status: ['status', 'stage'],
  notes: ['notes', 'note', 'comments', 'comment'],
};

/**
 * Guesses the field of each column from its header: exact names first, then a header that starts
 * with or contains a field's name ("Email address (home)"). A field is used for one column only.
 */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const words = headers.map(squash);
  const mapping: ColumnMapping = headers.map(() => null);
  const used = new Set<ImportField>();
  const assign = (i: number, field: ImportField) => {
    mapping[i] = field;
    used.add(field);
  };
  for (let i = 0; i < words.length; i++) {
    const field = IMPORT_FIELDS.find((f) => !used.has(f) && HEADER_WORDS[f].includes(words[i] as string));
    if (field) assign(i, field);
  }
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (mapping[i] !== null || word.length < 3) continue;
    // The name found earliest (then longest) in the header decides: "Email address (home)" is an email,
    // and is left out when another column is already the email.
    let best: { field: ImportField; at: number; length: number } | undefined;
    for (const field of IMPORT_FIELDS) {
      for (const w of HEADER_WORDS[field]) {
        const at = w.length >= 4 ? word.indexOf(w) : -1;
        if (at >= 0 && (!best || at < best.at || (at === best.at && w.length > best.length))) best = { field, at, length: w.length };
      }
    }
    if (best && !used.has(best.field)) assign(i, best.field);
  }
  return mapping;
}

// ---- words → codes

/** Lower case words separated by single spaces: "Step-free Access" → "step free access". */
export const normaliseWords = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** A vocabulary: its codes (also accepted with spaces for underscores) and the words people write. */
function vocabulary(codes: readonly string[], words: Record<string, string[]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const code of codes) map.set(normaliseWords(code), code);
  for (const [code, list] of Object.entries(words)) for (const w of list) map.set(normaliseWords(w), code);
  return map;
}

export const CHANNEL_WORDS = vocabulary(CHANNELS, {
  email: ['e-mail', 'by email'],
  sms: ['text', 'text message', 'texts', 'sms text'],
  post: ['letter', 'by post', 'mail', 'postal'],
  phone: ['telephone', 'phone call', 'call', 'by phone'],
});
export const FORMAT_WORDS = vocabulary(FORMATS, {
  standard: ['normal', 'standard print', 'regular', 'none'],
  large_print: ['large print', 'large'],
  easy_read: ['easy read'],
  audio: ['audio recording'],
  other_language: ['another language', 'translated', 'language'],
});
export const RELATIONSHIP_WORDS = vocabulary(RELATIONSHIPS, {
  service_user: ['service user', 'patient', 'user', 'lived experience'],
  carer: ['family carer', 'carer or family'],
  both: ['service user and carer', 'carer and service user'],
  volunteer: [],
  governor: [],
  staff: ['staff member', 'employee'],
});
export const ANONYMITY_WORDS = vocabulary(ANONYMITY, {
  full_name: ['full name', 'name', 'named'],
  first_name: ['first name', 'first name only'],
  initials: ['initials only'],
  anonymous: ['anon', 'not named'],
});
export const PAYMENT_WORDS = vocabulary(PAYMENT_PREFERENCES, {
  involvement_rate: ['involvement rate', 'paid', 'paid at the involvement rate', 'paid at involvement rate', 'payment'],
  vouchers: ['voucher'],
  expenses_only: ['expenses', 'expenses only'],
  none: ['no payment', 'unpaid', 'no'],
});
export const HEARD_VIA_WORDS = vocabulary(HEARD_VIA, {
  stall: ['a stall', 'stand'],
  event: ['community event', 'an event'],
  care_coordinator: ['care coordinator', 'care co ordinator', 'care coordinator referral', 'referral'],
  website: ['web', 'online', 'internet'],
  word_of_mouth: ['word of mouth', 'friend', 'friend or family'],
  other: [],
});
export const STATUS_WORDS = vocabulary(PERSON_STATUSES, {
  enquiry: ['inquiry', 'new'],
  contacted: [],
  induction: ['inducted', 'in induction'],
  active: ['involved'],
  paused: ['on hold', 'inactive'],
  left: ['gone', 'no longer involved'],
});
export const ACCESS_NEED_WORDS = vocabulary(ACCESS_NEEDS, {
  step_free: ['step free', 'step free access', 'step-free access', 'wheelchair access', 'wheelchair'],
  hearing_loop: ['hearing loop', 'loop'],
  bsl_interpreter: ['bsl', 'bsl interpreter', 'british sign language', 'british sign language interpreter', 'sign language interpreter'],
  language_interpreter: ['interpreter', 'language interpreter', 'spoken language interpreter', 'spoken-language interpreter'],
  quiet_room: ['quiet room', 'quiet space'],
  support_worker: ['support worker', 'carer attending', 'support worker attending', 'support worker or carer attending', 'support worker/carer attending'],
});

const DAYS: Record<string, string> = {
  mon: 'mon', monday: 'mon', mondays: 'mon',
  tue: 'tue', tues: 'tue', tuesday: 'tue', tuesdays: 'tue',
  wed: 'wed', weds: 'wed', wednesday: 'wed', wednesdays: 'wed',
  thu: 'thu', thur: 'thu', thurs: 'thu', thursday: 'thu', thursdays: 'thu',
  fri: 'fri', friday: 'fri', fridays: 'fri',
  sat: 'sat', saturday: 'sat', saturdays: 'sat',
  sun: 'sun', sunday: 'sun', sundays: 'sun',
};
const PARTS: Record<string, string> = {
  am: 'am', morning: 'am', mornings: 'am',
  pm: 'pm', afternoon: 'pm', afternoons: 'pm',
  eve: 'eve', evening: 'eve', evenings: 'eve',
};

/** "tue_pm", "Tue pm", "Tuesday afternoon" → "tue_pm"; anything else → null. */
export function availabilityCode(value: string): string | null {
  const words = normaliseWords(value).split(' ');
  if (words.length !== 2) return null;
  const day = DAYS[words[0] as string];
  const part = PARTS[words[1] as string];
  return day && part ? `${day}_${part}` : null;
}

const SINGLE_WORDS: Partial<Record<ImportField, Map<string, string>>> = {
  preferredChannel: CHANNEL_WORDS,
  format: FORMAT_WORDS,
  relationship: RELATIONSHIP_WORDS,
  anonymity: ANONYMITY_WORDS,
  paymentPreference: PAYMENT_WORDS,
  heardVia: HEARD_VIA_WORDS,
  status: STATUS_WORDS,
};

/** One choice: its code when the words are known; otherwise the cell as given, for the schema to refuse. */
export function choiceCode(field: ImportField, value: string): string {
  const words = SINGLE_WORDS[field];
  return words?.get(normaliseWords(value)) ?? value;
}

/** A many-valued cell ("Step-free access; BSL") → codes; unknown parts are kept as given, for the schema to refuse. */
export function multiCodes(field: 'accessNeeds' | 'availability', value: string): string[] {
  const parts = value.split(/[;,\n]/).map((p) => p.trim()).filter((p) => p !== '');
  return parts.map((p) => (field === 'availability' ? availabilityCode(p) : ACCESS_NEED_WORDS.get(normaliseWords(p))) ?? p);
}

/**
 * One sheet row as the input personSchema validates: each mapped cell (blank cells are left out),
 * words turned into codes, and the lead's defaults where a required choice is missing.
 */
export function rowInput(cells: readonly string[], mapping: Mapping, unitId: number): Record<string, unknown> {
  const input: Record<string, unknown> = { unitId };
  const { columns } = mapping;
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i];
    if (!field) continue;
    const cell = (cells[i] ?? '').trim();
    if (cell === '') continue;
    if (field === 'accessNeeds' || field === 'availability') input[field] = multiCodes(field, cell);
    else if (field in SINGLE_WORDS) input[field] = choiceCode(field, cell);
    else input[field] = cell;
  }
  for (const field of DEFAULTABLE) if (input[field] === undefined) input[field] = mapping.defaults[field];
  return input;
}
