/** Cron expressions, parsed by cron-parser (loaded only for an app with schedules). */
import type { CronExpression } from 'cron-parser';
import { ImproperlyConfigured } from '../errors/rondo-error';

/** The parsed expression; TASK_INVALID naming `where` when it is not one. */
export function parseCron(
  cron: string,
  timezone: string | undefined,
  where: string,
  from = new Date(),
): CronExpression {
  const { CronExpressionParser } = require('cron-parser') as typeof import('cron-parser');
  try {
    return CronExpressionParser.parse(cron, { tz: timezone ?? 'UTC', currentDate: from, strict: false });
  } catch (error) {
    throw new ImproperlyConfigured(
      'TASK_INVALID',
      `@Schedule('${cron}') on ${where}: ${(error as Error).message}. Use five fields (minute hour day month weekday, e.g. '0 3 * * *') or six with seconds first`,
    );
  }
}
