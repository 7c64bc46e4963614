/**
 * Regenerates the two word lists the password policy (lib/auth/password-policy.ts) refuses
 * passwords from. They are committed data, not a dependency: the app never downloads anything.
 *
 *   mkdir -p /tmp/pw && cd /tmp/pw
 *   npm pack @zxcvbn-ts/language-common@4.1.3 zxcvbn@4.4.2
 *   for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 *   cd - && npx tsx scripts/generate-password-lists.ts /tmp/pw
 *
 * Sources (both MIT, Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; (c) 2021 @zxcvbn-ts):
 * - common passwords: the first 10,000 entries, most frequent first, of
 *   @zxcvbn-ts/language-common 4.1.3 `src/passwords.json` (ranked from the public 10 million
 *   password corpus of real leaked passwords).
 * - dictionary words: zxcvbn 4.4.2 `lib/frequency_lists.js`, its `english_wikipedia` and
 *   `us_tv_and_film` word lists and its first names, letters only, 3 characters or more.
 */
// Raw fs, not lib/storage: a build-time generator of source files.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';

const COMMON_COUNT = 10_000;
const OUT = path.resolve(__dirname, '../lib/auth/data');

const root = process.argv[2];
if (!root) {
  console.error('Usage: npx tsx scripts/generate-password-lists.ts DIR (with the unpacked packages, see the comment on top)');
  process.exit(2);
}

const commonFile = path.join(root, 'zxcvbn-ts-language-common-4.1.3/package/src/passwords.json');
const frequencyFile = path.join(root, 'zxcvbn-4.4.2/package/lib/frequency_lists.js');
const passwords = z.array(z.string()).parse(JSON.parse(fs.readFileSync(commonFile, 'utf8')));
const frequency = z
  .object({ english_wikipedia: z.array(z.string()), us_tv_and_film: z.array(z.string()), female_names: z.array(z.string()), male_names: z.array(z.string()) })
  .parse(createRequire(__filename)(frequencyFile));

/** Lower-case NFKC, the form the policy compares in; first occurrence wins so the ranking stays. */
function unique(words: Iterable<string>, keep: (w: string) => boolean): string[] {
  const seen = new Set<string>();
  for (const raw of words) {
    const w = raw.normalize('NFKC').toLowerCase();
    if (keep(w)) seen.add(w);
  }
  return [...seen];
}

const common = unique(passwords, (w) => w.length > 0).slice(0, COMMON_COUNT);
const words = unique([...frequency.english_wikipedia, ...frequency.us_tv_and_film, ...frequency.female_names, ...frequency.male_names], (w) => /^[a-z]{3,}$/.test(w)).sort();

function write(name: string, meta: Record<string, string>, entries: string[]): void {
  // One entry a line, so a regenerated list diffs readably.
  const body = `{\n${Object.entries(meta)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`)
    .join('')}  "entries": [\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n  ]\n}\n`;
  fs.writeFileSync(path.join(OUT, name), body);
  console.log(`${name}: ${entries.length} entries`);
}

fs.mkdirSync(OUT, { recursive: true });
write(
  'common-passwords.json',
  {
    source: `The ${COMMON_COUNT} most common passwords, most frequent first: @zxcvbn-ts/language-common 4.1.3 src/passwords.json (ranked from the public 10 million password corpus), lower-cased and NFKC-normalised.`,
    license: 'MIT. Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts.',
    generatedBy: 'scripts/generate-password-lists.ts',
  },
  common,
);
write(
  'dictionary-words.json',
  {
    source: 'English words and first names, letters only, 3 characters or more, sorted: zxcvbn 4.4.2 lib/frequency_lists.js (english_wikipedia, us_tv_and_film, female_names, male_names).',
    license: 'MIT. Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.',
    generatedBy: 'scripts/generate-password-lists.ts',
  },
  words,
);
