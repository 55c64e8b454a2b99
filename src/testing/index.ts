/**
 * `rondo/testing`: helpers for testing Rondo apps without a socket.
 */
export { TestClient, type RequestOptions, type TestClientOptions, type TestFile } from './test-client';
export { TestResponse } from './test-response';
export {
  loadFixtures,
  testDatabase,
  useTestDatabase,
  type FixtureRow,
  type TestDatabaseOptions,
} from './test-database';
