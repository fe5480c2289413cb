/** @type {import('jest').Config} */
// ts-jest in transpile-only mode: fast; type-checking is `npm run typecheck`.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }];

const moduleNameMapper = { '^@liftwatch/([a-z-]+)$': '<rootDir>/libs/$1/src' };
const common = {
  transform: { '^.+\\.ts$': tsJest, '^.+\\.js$': tsJest },
  // aedes 1.x is ESM-only; let ts-jest transpile it for the embedded broker.
  transformIgnorePatterns: ['/node_modules/(?!aedes/)'],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60000,
  // two files at once: most of a file's time is waiting on PostgreSQL, the broker or the browser
  // (see docs/operations.md "Tests" for the measured wall times)
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/device-sim/**/*.spec.ts',
        // deploy/ files against their schemas
        '<rootDir>/test/deploy.spec.ts',
      ],
    },
    {
      ...common,
      // end-to-end (HTTP, broker, simulator, browser) and medium tests (services called directly on
      // the real test database) share one database per run
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      // kill tests of a broker cluster (three Erlang VMs and the platform's processes): run after
      // the others, alone — beside a browser test they took the machine from it (npm test runs
      // `jest --selectProjects cluster` as its second step)
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/**/*.cluster-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
