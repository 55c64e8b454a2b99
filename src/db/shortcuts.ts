/**
 * Django's shortcuts for models: `getObjectOr404`, `getListOr404` and the paginator.
 * Typed structurally, so this module loads nothing of TypeORM.
 */
import { Http404 } from '../http/errors';

export interface FindsOne<T> {
  findOne(options: { where: object }): Promise<T | null>;
  readonly metadata?: { name?: string };
}

export interface FindsMany<T> {
  find(options: { where: object }): Promise<T[]>;
  readonly metadata?: { name?: string };
}

/** The row matching `where`, or Http404 naming the entity. */
export async function getObjectOr404<T>(repository: FindsOne<T>, where: object): Promise<T> {
  const found = await repository.findOne({ where });
  if (found === null || found === undefined)
    throw new Http404(`No ${repository.metadata?.name ?? 'object'} matches the given query`);
  return found;
}

/** The rows matching `where`, or Http404 when there are none. */
export async function getListOr404<T>(repository: FindsMany<T>, where: object): Promise<T[]> {
  const found = await repository.find({ where });
  if (found.length === 0) throw new Http404(`No ${repository.metadata?.name ?? 'object'} matches the given query`);
  return found;
}

/** What a TypeORM SelectQueryBuilder offers the paginator. */
export interface Pageable<T> {
  clone(): Pageable<T>;
  skip(count: number): Pageable<T>;
  take(count: number): Pageable<T>;
  getManyAndCount(): Promise<[T[], number]>;
}

export interface Page<T> {
  items: T[];
  /** Rows matching the query, on every page. */
  count: number;
  page: number;
  perPage: number;
  pageCount: number;
  hasNext: boolean;
  hasPrevious: boolean;
  nextPage: number | undefined;
  previousPage: number | undefined;
}

/**
 * One page of a query (Django's Paginator.page): `page` is 1-based and may be the query
 * string's text; a page that is not a positive integer, or past the last page, is 404.
 * Page 1 of an empty result is an empty page, as in Django.
 *
 * @example paginate(posts.createQueryBuilder('p').orderBy('p.id', 'DESC'), { page: request.GET.get('page') ?? 1,
 * perPage: 20 })
 */
export async function paginate<T>(
  query: Pageable<T>,
  options: { page: number | string; perPage: number },
): Promise<Page<T>> {
  const page =
    typeof options.page === 'number' ? options.page : /^[0-9]{1,9}$/.test(options.page) ? Number(options.page) : NaN;
  if (!Number.isInteger(page) || page < 1)
    throw new Http404(`Invalid page (${String(options.page).slice(0, 20)}): pages are whole numbers from 1`);
  const perPage = Math.max(1, Math.floor(options.perPage));
  const [items, count] = await query
    .clone()
    .skip((page - 1) * perPage)
    .take(perPage)
    .getManyAndCount();
  const pageCount = Math.max(1, Math.ceil(count / perPage));
  if (page > pageCount) throw new Http404(`Invalid page (${page}): that page contains no results (${pageCount} pages)`);
  return {
    items,
    count,
    page,
    perPage,
    pageCount,
    hasNext: page < pageCount,
    hasPrevious: page > 1,
    nextPage: page < pageCount ? page + 1 : undefined,
    previousPage: page > 1 ? page - 1 : undefined,
  };
}
