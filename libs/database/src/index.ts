export * from './database-runtime';
export * from './database.module';
export * from './embedded-postgres.runtime';
export * from './migrations';
export * from './job-runs';
export * from './sql';
