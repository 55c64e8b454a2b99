/** Creates bench_row (dropping an old one) with 100 rows in ORM_DB, then exits. */
import { BenchRow, openDataSource } from './orm-common';

async function main(): Promise<void> {
  const source = await openDataSource();
  await source.synchronize(true);
  await source.getRepository(BenchRow).insert(Array.from({ length: 100 }, (_, i) => ({ name: `User ${i + 1}`, email: `user${i + 1}@example.com`, age: 20 + (i % 50) })));
  await source.destroy();
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
