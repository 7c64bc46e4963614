import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The house runs one way, app -> lib -> ml: nothing under lib/ or ml/ imports app/ (by the `@/`
 * alias or by a relative path climbing into the top-level app/).
 */
const NO_APP_IMPORTS = { regex: '^(@/app(/|$)|(\\.\\./)+app(/|$))', message: 'lib/ and ml/ never import app/ (app -> lib -> ml): move what both need into lib/.' };

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'var/**', 'next-env.d.ts', 'public/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['*.js', '*.mjs'],
    languageOptions: { globals: { process: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['lib/**/*.ts', 'lib/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_APP_IMPORTS] }],
    },
  },
  {
    files: ['ml/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['next', 'next/*', 'react', '@/app/*', '@/lib/*', '../lib/*', '../../lib/*'], message: 'ml/ is pure computation: no Next.js, React or lib/.' }, NO_APP_IMPORTS] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded RNG in ml/random.ts' }],
    },
  },
);
