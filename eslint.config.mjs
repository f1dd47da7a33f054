import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.stryker-tmp/**', 'reports/**', 'cdk.out/**', 'coverage/**', '**/*.js', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Inside lib/, import from the defining file, never through a barrel: barrels tie the library into one import circle.
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.{1,2}(/\\.\\.)*/?$|(^|/)index$', message: 'Import from the file that defines the symbol, not through index.ts.' }] }],
      // Empty options interfaces are how jsii APIs leave room for options.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'always' }],
    },
  },
  {
    files: ['lib/index.ts', 'test/**/*.ts', 'bin/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
