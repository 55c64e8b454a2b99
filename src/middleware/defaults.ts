/**
 * The default middleware stack new apps get (`settings.middleware`). Each built-in lives
 * in its own file in this folder and is listed here in order.
 */
import type { Class } from '../metadata/keys';

export const DEFAULT_MIDDLEWARE: Class[] = [];
