/**
 * Messages (Django's contrib.messages): one-time notices such as "Post saved", added in
 * one request and shown on the next page. `request.messages.add(level, text)` queues one;
 * `await request.messages.all()` (or the templates' `messages`) reads them, and messages
 * read are gone on the next request.
 */
import { RondoError } from '../errors/rondo-error';

export const MESSAGE_LEVELS = { debug: 10, info: 20, success: 25, warning: 30, error: 40 } as const;
export type MessageLevel = keyof typeof MESSAGE_LEVELS;

export interface Message {
  level: number;
  /** 'debug' | 'info' | 'success' | 'warning' | 'error', handy as a CSS class. */
  tag: MessageLevel;
  text: string;
}

export class MessageBag {
  private stored: Message[] | undefined;
  private readonly added: Message[] = [];
  /** True once the messages were read: they are then not kept for the next request. */
  used = false;

  /** `load(context)` reads the messages kept by the previous request(s). */
  constructor(
    private readonly load: (context?: unknown) => Promise<Message[]>,
    private readonly context?: unknown,
  ) {}

  add(level: MessageLevel, text: string): void {
    if (!(level in MESSAGE_LEVELS))
      throw new RondoError(
        'MESSAGE_LEVEL_UNKNOWN',
        `Unknown message level '${level}'; use ${Object.keys(MESSAGE_LEVELS).join(', ')}`,
      );
    this.added.push({ level: MESSAGE_LEVELS[level], tag: level, text: String(text) });
  }

  debug(text: string): void {
    this.add('debug', text);
  }
  info(text: string): void {
    this.add('info', text);
  }
  success(text: string): void {
    this.add('success', text);
  }
  warning(text: string): void {
    this.add('warning', text);
  }
  error(text: string): void {
    this.add('error', text);
  }

  /** Every pending message (kept ones first), marking them read. */
  async all(): Promise<Message[]> {
    this.stored ??= await this.load(this.context);
    this.used = true;
    return [...this.stored, ...this.added];
  }

  /**
   * The pending messages without marking them read: templates get them wrapped so that
   * reading the list (iterating, `length`...) marks them read.
   */
  async peek(): Promise<Message[]> {
    this.stored ??= await this.load(this.context);
    const list = [...this.stored, ...this.added];
    return new Proxy(list, {
      get: (target, key, receiver) => {
        this.used = true;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  /** True when the response must update the stored messages (read, or new ones added). */
  get changed(): boolean {
    return this.used || this.added.length > 0;
  }

  /** What to keep for the next request, or undefined when nothing changed. */
  async remaining(): Promise<Message[] | undefined> {
    if (this.used) return this.stored === undefined || this.stored.length > 0 || this.added.length > 0 ? [] : undefined;
    if (this.added.length === 0) return undefined;
    this.stored ??= await this.load(this.context);
    return [...this.stored, ...this.added];
  }
}

/** Keeps only well-formed messages from stored (client-controlled, for cookies) data. */
export function sanitizeMessages(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  const wellFormed = (m: unknown): m is Message => {
    const { text, tag } = (m ?? {}) as { text?: unknown; tag?: unknown };
    return typeof m === 'object' && typeof text === 'string' && typeof tag === 'string' && tag in MESSAGE_LEVELS;
  };
  return value.filter(wellFormed).map((m) => ({ level: MESSAGE_LEVELS[m.tag], tag: m.tag, text: m.text }));
}
