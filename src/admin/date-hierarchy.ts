/**
 * Django's date_hierarchy: links above the changelist that narrow it to a year, then a
 * month, then a day of one date or datetime column (`?createdAt__year=2026&createdAt__month=12`).
 * Days run in UTC, as the admin edits datetimes. Only periods that hold rows are offered:
 * one query counts every candidate period at once (at most 31 days, 12 months or 100 years).
 */
import type { AdminField } from './model-info';

/** The period the query string narrows to; `{}` is every date. */
export interface Drill {
  year?: number;
  month?: number;
  day?: number;
}

/** One period: its bounds (UTC, end excluded) and the parameters that select it. */
export interface Period {
  label: string;
  start: Date;
  end: Date;
  params: Drill;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MAX_YEARS = 100;

export const drillParams = (field: AdminField) =>
  ({ year: `${field.name}__year`, month: `${field.name}__month`, day: `${field.name}__day` }) as const;

/**
 * Reads the drill-down from the query string, or says what is wrong with it (a 400):
 * numbers in range, a month only with its year, a day only with its month, a real date.
 */
export function readDrill(get: (key: string) => string | undefined, field: AdminField): Drill | string {
  const names = drillParams(field);
  const drill: Drill = {};
  const limits = { year: [1, 9999], month: [1, 12], day: [1, 31] } as const;
  for (const part of ['year', 'month', 'day'] as const) {
    const text = get(names[part]);
    if (text === undefined) continue;
    const value = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
    const [low, high] = limits[part];
    if (!(value >= low && value <= high)) return `${names[part]} takes a number from ${low} to ${high}.`;
    drill[part] = value;
  }
  if (drill.month !== undefined && drill.year === undefined) return `${names.month} needs ${names.year}.`;
  if (drill.day !== undefined && drill.month === undefined) return `${names.day} needs ${names.month}.`;
  if (
    drill.day !== undefined &&
    new Date(Date.UTC(drill.year!, drill.month! - 1, drill.day)).getUTCDate() !== drill.day
  )
    return `${drill.year}-${drill.month}-${drill.day} is not a date.`;
  return drill;
}

/** The bounds of the period `drill` selects; undefined for every date. */
export function rangeOf(drill: Drill): { start: Date; end: Date } | undefined {
  if (drill.year === undefined) return undefined;
  if (drill.month === undefined) return { start: utc(drill.year, 0, 1), end: utc(drill.year + 1, 0, 1) };
  if (drill.day === undefined)
    return { start: utc(drill.year, drill.month - 1, 1), end: utc(drill.year, drill.month, 1) };
  return {
    start: utc(drill.year, drill.month - 1, drill.day),
    end: utc(drill.year, drill.month - 1, drill.day + 1),
  };
}

/**
 * The periods one level below `drill` that may hold rows: the months of its year, the
 * days of its month, or (nothing chosen) the years from `first` to `last`, the latest 100.
 */
export function periodsBelow(drill: Drill, first?: number, last?: number): Period[] {
  const { year, month } = drill;
  if (year === undefined) {
    if (first === undefined || last === undefined) return [];
    const periods = [];
    for (let y = Math.max(first, last - MAX_YEARS + 1); y <= last; y++)
      periods.push({ label: String(y), start: utc(y, 0, 1), end: utc(y + 1, 0, 1), params: { year: y } });
    return periods;
  }
  if (month === undefined)
    return MONTHS.map((name, index) => ({
      label: `${name} ${year}`,
      start: utc(year, index, 1),
      end: utc(year, index + 1, 1),
      params: { year, month: index + 1 },
    }));
  if (drill.day !== undefined) return [];
  const days = utc(year, month, 0).getUTCDate();
  return Array.from({ length: days }, (_, index) => ({
    label: `${MONTHS[month - 1]} ${index + 1}`,
    start: utc(year, month - 1, index + 1),
    end: utc(year, month - 1, index + 2),
    params: { year, month, day: index + 1 },
  }));
}

/** The links back up: every date, the year, the month (those above the current level). */
export function periodsAbove(drill: Drill): Array<{ label: string; params: Drill }> {
  const above: Array<{ label: string; params: Drill }> = [];
  if (drill.year !== undefined) above.push({ label: 'All dates', params: {} });
  if (drill.month !== undefined) above.push({ label: String(drill.year), params: { year: drill.year } });
  if (drill.day !== undefined)
    above.push({
      label: `${MONTHS[drill.month! - 1]} ${drill.year}`,
      params: { year: drill.year, month: drill.month },
    });
  return above;
}

/** The current day's label, when the drill-down reached one. */
export const dayLabel = (drill: Drill) =>
  drill.day === undefined ? undefined : `${MONTHS[drill.month! - 1]} ${drill.day}, ${drill.year}`;

/**
 * The year of a MIN/MAX read back from the database: SQLite's text, or a Date (an instant
 * for a datetime; the driver's local midnight for a date column).
 */
export function yearOf(field: AdminField, value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return field.kind === 'date' ? value.getFullYear() : value.getUTCFullYear();
  const year = Number(String(value).slice(0, 4));
  return Number.isInteger(year) ? year : undefined;
}

/** A bound as the column compares: 'YYYY-MM-DD' for a date column, the instant for a datetime. */
export const boundFor = (field: AdminField, at: Date): Date | string =>
  field.kind === 'date' ? at.toISOString().slice(0, 10) : at;

function utc(year: number, month: number, day: number): Date {
  const date = new Date(Date.UTC(year, month, day));
  date.setUTCFullYear(year, month, day); // years below 100 stay themselves
  return date;
}
