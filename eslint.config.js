// Lint: ESLint's and typescript-eslint's recommended rules, plus type-aware rules for the
// mistakes that lose data quietly here: promises nobody awaits or catches, and awaiting
// something that is not a promise.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'client/dist/', 'data/', 'tests/bench/results/', '.bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Solid's directive typing (`use:sortable`) is declared by augmenting the JSX namespace.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
    },
  },
  {
    // Tests send ill-typed, hostile values on purpose; `any` there is the point, not a hole.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain JS scripts run by Node: TypeScript checks names in .ts files, here ESLint needs Node's.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Declaration files describe plain JS modules and are not in the TypeScript project.
    files: ['**/*.d.mts'],
    ...tseslint.configs.disableTypeChecked,
  },
)
