/**
 * Is this exported class a TypeORM entity? Asked by discovery for every class it finds,
 * without loading TypeORM: an entity's module imported 'typeorm' already, so only then is
 * its metadata storage read.
 */
function loadedTypeorm(): typeof import('typeorm') | undefined {
  let path: string;
  try {
    path = require.resolve('typeorm');
  } catch {
    return undefined;
  }
  return require.cache[path] === undefined ? undefined : (require(path) as typeof import('typeorm'));
}

export function isEntity(cls: Function): boolean {
  const typeorm = loadedTypeorm();
  return typeorm !== undefined && typeorm.getMetadataArgsStorage().tables.some((table) => table.target === cls);
}
