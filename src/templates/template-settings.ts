/**
 * The template settings (`settings.templates`) and their defaults: a leaf module, so the
 * Settings type can name them without importing the engine.
 */
import type { HttpRequest } from '../http/request';

/** Adds variables to every template rendered for a request. */
export type ContextProcessor = (request: HttpRequest) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface TemplateSettings {
  /** Folders searched in order for template names. Default []. */
  dirs: string[];
  /** Built-in processor names ('request', 'user', 'csrf', 'messages', 'url', 'static', 'debug') and functions. */
  contextProcessors: Array<string | ContextProcessor>;
  /** Cache compiled templates; null = cache unless debug is on (then re-read on change). */
  cache: boolean | null;
}

export const DEFAULT_TEMPLATE_SETTINGS: Readonly<TemplateSettings> = Object.freeze({
  dirs: [],
  contextProcessors: ['request', 'user', 'csrf', 'messages', 'url', 'static', 'debug'],
  cache: null,
});
