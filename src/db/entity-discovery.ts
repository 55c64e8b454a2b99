/**
 * Is this exported class a TypeORM entity? Asked by discovery for every class it finds,
 * without loading TypeORM: an entity's module imported 'typeorm' already, and TypeORM
 * keeps its decorators' records on the global scope (shared by every copy of the package,
 * e.g. the app's own and Rondo's under a `file:` dependency), so only that is read.
 */
interface EntityRecords {
  tables: ReadonlyArray<{ target: Function | string }>;
}

export function isEntity(cls: Function): boolean {
  const records = (globalThis as { typeormMetadataArgsStorage?: EntityRecords }).typeormMetadataArgsStorage;
  return records !== undefined && records.tables.some((table) => table.target === cls);
}
