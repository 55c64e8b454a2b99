/**
 * csvResponse: streams rows as CSV (RFC 4180, with the formula-injection guard of
 * escapeCsv), for exports too large to build in memory.
 */
import { contentDisposition } from '../http/content-disposition';
import { StreamingHttpResponse } from '../http/response';
import { escapeCsv } from './safe-string';

/** The rows of a CSV: arrays of cells, from an array or a (database) stream. */
export type CsvRows = AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>;

/**
 * @example return csvResponse(db.streamOrders(), { header: ['id', 'total'], filename: 'orders.csv' });
 */
export function csvResponse(
  rows: CsvRows,
  options: { header?: readonly string[]; filename?: string } = {},
): StreamingHttpResponse {
  async function* lines(): AsyncGenerator<string> {
    if (options.header) yield `${options.header.map(escapeCsv).join(',')}\r\n`;
    for await (const row of rows as AsyncIterable<readonly unknown[]>) yield `${row.map(escapeCsv).join(',')}\r\n`;
  }
  const response = new StreamingHttpResponse(lines(), { contentType: 'text/csv; charset=utf-8' });
  if (options.filename) response.headers.set('Content-Disposition', contentDisposition(options.filename));
  return response;
}
