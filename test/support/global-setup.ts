import { startTestDatabase, TEST_DATABASE_URL_ENV, type TestDatabase } from './test-database';

declare global {
  var __liftwatchTestDatabase: TestDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  const db = await startTestDatabase();
  globalThis.__liftwatchTestDatabase = db;
  // Workers are spawned after global setup and inherit this environment.
  process.env[TEST_DATABASE_URL_ENV] = db.url;
  process.env.LIFTWATCH_TEST_ADMIN_URL = db.adminUrl;
}
