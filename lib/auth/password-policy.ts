/**
 * The one password policy (OWASP ASVS 4.0 chapter 2; NIST SP 800-63B 5.1.1.2): every place that
 * sets a password (a tenant admin adding a user, a new tenant's first admin, the CLI, the demo
 * seed, a password change) asks `passwordProblem`. No composition rules (ASVS 2.1.9): any
 * character counts, and length plus "not guessable" is all that is asked.
 *
 * - 12 to 128 characters, counted as Unicode code points after NFKC normalisation (2.1.1, 2.1.2).
 * - Not one of the 10,000 most common passwords (2.1.7; the list is data/common-passwords.json).
 * - Not trivially guessable: one character or a short pattern repeated, a keyboard or alphabet
 *   run, a common password or a dictionary word with digits, years or symbols added around it or
 *   letters swapped for look-alike digits (`Password2026`, `p@ssw0rd!`), nor built on the
 *   product's name, the account's email or the organisation's name or id. All checks ignore case.
 */
import { AppError } from '../errors';
import commonPasswords from './data/common-passwords.json';
import dictionaryWords from './data/dictionary-words.json';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** The product's name, the first word an attacker tries against this site. */
export const PRODUCT_NAME = 'foresight';

/** Who the password is for: words built from these are refused too. */
export interface PasswordContext {
  email?: string;
  /** The organisation's id and names (tenant name, display name). */
  organisation?: readonly string[];
}

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'repeated'
  | 'sequence'
  | 'common'
  | 'common_variant'
  | 'dictionary_variant'
  | 'product'
  | 'email'
  | 'organisation';

/** One sentence per refusal, shown next to the password field. */
export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a good password.`,
  too_long: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  repeated: 'This password repeats a character or a short pattern, which is easy to guess.',
  sequence: 'This password is a keyboard or alphabet run, which is easy to guess.',
  common: 'This password is one of the most common passwords; choose another.',
  common_variant: 'This password is a common password with digits, symbols or look-alike letters added, which attackers try first.',
  dictionary_variant: 'This password is a single word with digits or symbols added, which attackers try first; add unrelated words instead.',
  product: "This password is built on the product's name, which attackers try first.",
  email: 'This password is built on your email address, which attackers try first.',
  organisation: "This password is built on your organisation's name, which attackers try first.",
};

const COMMON = new Set<string>(commonPasswords.entries);
const DICTIONARY = new Set<string>(dictionaryWords.entries);

/** Runs a person types without thinking: digits, the alphabet, keyboard rows and columns. */
const RUNS = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '`1234567890-=',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-[\'=]',
  'qazwsxedcrfvtgbyhnujmikolp',
  'zaqxswcdevfrbgtnhymjukilop',
  '7894561230',
  '!@#$%^&*()_+',
];
/** For each character, the characters that follow it in some run (either direction, wrapping round). */
const NEXT_IN_RUN: Map<string, Set<string>> = (() => {
  const next = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)?.add(b);
  };
  for (const run of RUNS) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      const a = chars[i];
      const b = chars[(i + 1) % chars.length];
      link(a, b);
      link(b, a);
    }
  }
  return next;
})();

/** Look-alike digits and symbols; 1 and | could stand for either letter, so both are tried. */
const LEET: Record<string, readonly [string, string]> = {
  '0': ['o', 'o'],
  '1': ['i', 'l'],
  '3': ['e', 'e'],
  '4': ['a', 'a'],
  '5': ['s', 's'],
  '7': ['t', 't'],
  '8': ['b', 'b'],
  '9': ['g', 'g'],
  '@': ['a', 'a'],
  $: ['s', 's'],
  '!': ['i', 'i'],
  '|': ['l', 'i'],
  '+': ['t', 't'],
  '€': ['e', 'e'],
};

const chars = (s: string) => [...s];
const NOT_LETTER_EDGES = /^[^\p{L}]+|[^\p{L}]+$/gu;
// Keeps @ and $ at the edges, where they usually stand for a and s ("@dmin", "pa$$").
const NOT_LETTER_EDGES_KEEP_LEET = /^[^\p{L}@$]+|[^\p{L}@$]+$/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

function deleet(s: string, choice: 0 | 1): string {
  return chars(s)
    .map((c) => LEET[c]?.[choice] ?? c)
    .join('');
}

/** True when the whole string is one character or one short unit repeated, or uses fewer than 4 distinct characters. */
function isRepeated(s: string): boolean {
  const cs = chars(s);
  if (new Set(cs).size < 4) return true;
  for (let unit = 1; unit <= cs.length / 2; unit++) {
    if (cs.length % unit !== 0) continue;
    if (cs.every((c, i) => c === cs[i % unit])) return true;
  }
  return false;
}

/** True when the string splits into runs of 3+ neighbouring characters of RUNS (123456789012, qwertyuiopas). */
function isSequence(s: string): boolean {
  const cs = chars(s);
  // covered[i]: cs[i..] splits into runs. Runs of one direction only, so 1212... is not a run.
  const covered = new Array<boolean>(cs.length + 1).fill(false);
  covered[cs.length] = true;
  for (let i = cs.length - 3; i >= 0; i--) {
    let end = i + 1;
    while (end < cs.length && NEXT_IN_RUN.get(cs[end - 1])?.has(cs[end]) && (end - i < 2 || cs[end] !== cs[end - 2])) end++;
    for (let j = i + 3; j <= end && !covered[i]; j++) covered[i] = covered[j];
  }
  return cs.length >= 3 && covered[0];
}

/** Digits or symbols around a word that add little: short, repeated, or a run (2026, !!, 123456). */
function isPredictableAffix(affix: string): boolean {
  return chars(affix).length <= 4 || isRepeated(affix) || isSequence(affix);
}

/**
 * Whether a password is a weak word dressed up: what is left once the digits, years and symbols
 * around it are taken away and look-alike characters are read as letters (with and without its
 * inner separators) is a common password, a dictionary word, a repeat or a run. `Password2026`,
 * `p@ssw0rd!` and `pass-word 99` are all "password". Random digits around a short word
 * (`abc739482051`) are not refused: there the digits carry the strength.
 */
function weakCore(lower: string): PasswordProblem | undefined {
  for (const edges of [NOT_LETTER_EDGES, NOT_LETTER_EDGES_KEEP_LEET]) {
    const base = lower.replace(edges, '');
    if (!base) continue;
    const start = lower.indexOf(base);
    const affixes = [lower.slice(0, start), lower.slice(start + base.length)].map((a) => a.replace(SEPARATORS, ''));
    const dominant = chars(base.replace(SEPARATORS, '')).length * 2 >= chars(lower.replace(SEPARATORS, '')).length;
    if (!dominant && !affixes.every(isPredictableAffix)) continue;
    for (const form of [base, deleet(base, 0), deleet(base, 1)]) {
      for (const core of [form, form.replace(SEPARATORS, '')]) {
        if (COMMON.has(core)) return 'common_variant';
        if (DICTIONARY.has(core)) return 'dictionary_variant';
        if (chars(core).length >= 6 && isRepeated(core)) return 'repeated';
        if (chars(core).length >= 6 && isSequence(core)) return 'sequence';
      }
    }
  }
  return undefined;
}

function contextWords(context: PasswordContext): { problem: PasswordProblem; word: string }[] {
  // One entry a word, the first reading kept: the product's name, then the organisation's, then
  // the email's (whose domain is often the organisation's name too).
  const byWord = new Map<string, PasswordProblem>();
  const add = (problem: PasswordProblem, raw: string | undefined) => {
    const word = raw?.normalize('NFKC').toLowerCase().trim();
    if (!word) return;
    for (const w of [word, word.replace(SEPARATORS, '')]) if (chars(w).length >= 3 && !byWord.has(w)) byWord.set(w, problem);
  };
  add('product', PRODUCT_NAME);
  for (const name of context.organisation ?? []) {
    add('organisation', name);
    for (const part of name.split(/[\s-]+/)) if (chars(part).length >= 4) add('organisation', part);
  }
  const email = context.email?.trim().toLowerCase();
  if (email) {
    const [local, domain = ''] = email.split('@');
    add('email', email);
    add('email', local);
    for (const part of local.split(/[._+-]+/)) if (part.length >= 4) add('email', part);
    for (const label of domain.split('.').slice(0, -1)) if (label.length >= 4) add('email', label);
  }
  // Longest first, so "acme stores" is taken out before "acme".
  return [...byWord].map(([word, problem]) => ({ word, problem })).sort((a, b) => b.word.length - a.word.length);
}

/**
 * The password built on a context word: what remains once every such word is taken out has
 * fewer than 6 characters (separators aside), or is itself a repeat, a run or a weak word.
 */
function contextProblem(lower: string, context: PasswordContext): PasswordProblem | undefined {
  const words = contextWords(context);
  const forms = new Set([lower, deleet(lower, 0), deleet(lower, 1)]);
  for (const form of [...forms]) forms.add(form.replace(SEPARATORS, ''));
  for (const form of forms) {
    let rest = form;
    let first: PasswordProblem | undefined;
    for (const { problem, word } of words) {
      if (!rest.includes(word)) continue;
      first ??= problem;
      rest = rest.split(word).join(' ');
    }
    if (!first) continue;
    const left = rest.replace(SEPARATORS, '');
    if (chars(left).length < 6 || isRepeated(left) || isSequence(left) || COMMON.has(left) || DICTIONARY.has(left)) return first;
    if (weakCore(rest.trim())) return first;
  }
  return undefined;
}

/** The password as it is checked and hashed: NFKC, so the same text typed on any keyboard is the same password. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Why a password is refused, or undefined when it is acceptable. */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordProblem | undefined {
  const normalised = normalisePassword(password);
  const length = chars(normalised).length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = normalised.toLowerCase();
  const compact = lower.replace(SEPARATORS, '');
  if (isRepeated(lower) || (compact.length >= 6 && isRepeated(compact))) return 'repeated';
  if (isSequence(lower) || (compact.length >= 6 && isSequence(compact))) return 'sequence';
  if (COMMON.has(lower) || COMMON.has(compact)) return 'common';
  return contextProblem(lower, context) ?? weakCore(lower);
}

/** The sentence to show for a refused password, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  const problem = checkPassword(password, context);
  return problem ? PASSWORD_MESSAGES[problem] : undefined;
}

/**
 * Throws a `bad_request` AppError with the policy's sentence, attached to the form field the
 * password came from, when the password is refused.
 */
export function assertPasswordAllowed(password: string, context: PasswordContext, field = 'password'): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('bad_request', problem, { field });
}
