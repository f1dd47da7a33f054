/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/cleanup.ts'],
  // Type checking is `npm run typecheck`'s job; tests only transpile (tsconfig's isolatedModules),
  // which is several times faster.
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }],
  },
  // Synth is CPU-bound; two workers match the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 120000,
  snapshotFormat: { printBasicPrototype: false },
};
