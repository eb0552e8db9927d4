import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const SHARED_IMPORT_PATTERNS = [
  'node:*',
  'electron',
  'fs',
  'path',
  'worker_threads',
  '*/src-main/*',
  '*/src-renderer/*'
]
const CSV_MESSAGE =
  'write CSV with toCsv (src-shared/charts/csv.ts): it escapes cells a spreadsheet would run as formulas'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    rules: {
      '@typescript-eslint/explicit-function-return-type': [
        'error',
        { allowExpressions: true, allowTypedFunctionExpressions: true }
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      'vue/multi-word-component-names': 'off'
    }
  },
  // Spreading an array into arguments overflows the stack above ~120,000 elements (a large e820
  // table or trace): use maxOf / minOf / pushAll (src-shared/util/arrays.ts) or a loop. Source
  // only: tests spread small fixed arrays.
  {
    files: ['src-shared/**/*.ts', 'src-main/**/*.{ts,mjs}', 'src-renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name='Math'][callee.property.name=/^(min|max)$/] > SpreadElement",
          message:
            'Math.min/max(...xs) overflows the stack on large arrays: use minOf/maxOf (src-shared/util/arrays.ts).'
        },
        {
          selector:
            'CallExpression[callee.property.name=/^(push|unshift|splice|concat)$/] > SpreadElement',
          message:
            'push(...xs) overflows the stack on large arrays: use pushAll (src-shared/util/arrays.ts) or a loop.'
        },
        {
          selector:
            "CallExpression[callee.object.name='String'][callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement",
          message: 'String.fromCharCode(...xs) overflows the stack on large arrays: use a loop.'
        },
        {
          // ES2022 defines such a field as undefined before the constructor runs, and V8 then
          // keeps it tagged: every later store of a non-integer allocates a heap number (and a
          // write barrier). On the DES's clock that was a tenth of the run (docs/contention-model.md).
          selector:
            "PropertyDefinition[value=null][readonly=false][declare=false][typeAnnotation.typeAnnotation.type='TSNumberKeyword']",
          message:
            'Give a mutable number field its initial value where it is declared (e.g. `now = 0`), not only in the constructor: V8 keeps a field that starts undefined boxed.'
        }
      ]
    }
  },
  // The model and the contract are platform-free: no Node, Electron or DOM (docs/ARCHITECTURE.md).
  // CSV is written only by charts/csv.ts (formula escaping) and read only by the trace parser.
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'papaparse', message: CSV_MESSAGE }],
          patterns: SHARED_IMPORT_PATTERNS
        }
      ]
    }
  },
  {
    files: ['src-shared/charts/csv.ts', 'src-shared/import/trace/traceParser.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: SHARED_IMPORT_PATTERNS }] }
  },
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'papaparse', message: CSV_MESSAGE }] }]
    }
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'papaparse', message: CSV_MESSAGE }],
          patterns: ['node:*', 'electron', '*/src-main/*']
        }
      ]
    }
  },
  {
    files: ['**/*.mjs'],
    rules: { '@typescript-eslint/explicit-function-return-type': 'off' }
  },
  {
    files: ['src-main/**/*.{ts,mjs}', 'test/**/*.ts', '*.config.{ts,js}'],
    languageOptions: { globals: { ...globals.node } }
  },
  prettier
)
