/**
 * `@InjectRepository(Post)`: the DI token of an entity's repository (one per entity class,
 * stable for the process, so decorators can name it before any app exists).
 */
import { Inject } from '../di/injectable';

const tokens = new WeakMap<Function, symbol>();

export function repositoryToken(entity: Function): symbol {
  let token = tokens.get(entity);
  if (token === undefined) {
    token = Symbol(`Repository<${entity.name}>`);
    tokens.set(entity, token);
  }
  return token;
}

/**
 * Injects the TypeORM repository of `entity`. Inside `@Atomic()` views and `atomic()`
 * blocks it works on the current transaction, with nothing passed along.
 *
 * @example constructor(@InjectRepository(Post) private readonly posts: Repository<Post>) {}
 */
export function InjectRepository(entity: Function): ParameterDecorator {
  return Inject(repositoryToken(entity));
}

/** DI token of the app's TypeORM DataSource. */
export const DATA_SOURCE: unique symbol = Symbol.for('rondo:DATA_SOURCE');
/** DI token of the EntityManager (the current transaction's inside `@Atomic()`). */
export const ENTITY_MANAGER: unique symbol = Symbol.for('rondo:ENTITY_MANAGER');
