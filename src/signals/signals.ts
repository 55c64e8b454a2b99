/**
 * Signals (Django's django.dispatch): named events the framework (and an app) sends, and
 * receivers that run when they are sent. A receiver is a method marked
 * `@Receiver(userLoggedIn)` on a service (built by the app's container, so it injects
 * what it needs), or a function given to `signals.connect()`. Sending runs the receivers
 * in order and waits for them; one that throws is logged and the others still run, so a
 * broken receiver never breaks a login or a request.
 */
import { Inject, Injectable, LOGGER } from '../di/injectable';
import { serviceKey, type HttpRequest, type ServiceKey } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { Class } from '../metadata/keys';
import type { Logger } from '../observability/logger';

/** A signal: its name, and (as a type) what its receivers get. */
export class Signal<T> {
  /** Phantom: carries T for the receivers' types. */
  declare readonly payload: T;
  constructor(readonly name: string) {}
}

/** A request entered the app (before any other middleware). */
export const requestStarted = new Signal<{ request: HttpRequest }>('request_started');
/** A request's response is ready to be written (after every middleware). */
export const requestFinished = new Signal<{ request: HttpRequest; response: HttpResponse }>('request_finished');
/** `login(request, user)` logged a user in. */
export const userLoggedIn = new Signal<{ request: HttpRequest; user: { id: unknown } }>('user_logged_in');
/** `logout(request)` logged a user out (`user` is who it was; undefined if nobody). */
export const userLoggedOut = new Signal<{ request: HttpRequest; user: { id: unknown } | undefined }>('user_logged_out');
/** A login with a wrong password or an unknown login (the password is never in the payload). */
export const userLoginFailed = new Signal<{ request: HttpRequest; login: string }>('user_login_failed');
/** `rondo migrate` (or the dev server) applied a migration. */
export const migrationApplied = new Signal<{ name: string }>('migration_applied');
/** An entity was inserted, updated or removed through TypeORM (repositories, the entity manager). */
export const entityInserted = new Signal<{ entity: object; sender: Function }>('entity_inserted');
export const entityUpdated = new Signal<{ entity: object; sender: Function }>('entity_updated');
export const entityRemoved = new Signal<{ entity: object; sender: Function }>('entity_removed');

const RECEIVERS_KEY = Symbol.for('rondo:receivers');

/** The app's Signals, as requests carry it (login() and logout() send through it). */
export const SIGNALS: ServiceKey<Signals> = serviceKey<Signals>('rondo:SIGNALS');

export interface ReceiverOptions {
  /** Only when sent for this entity class (the entity signals' `sender`). */
  sender?: Function;
}

interface ReceiverMeta {
  method: string;
  signal: Signal<unknown>;
  sender?: Function;
}

/**
 * Runs the method when `signal` is sent. Its class is a service of the app.
 *
 * @example
 * @Injectable()
 * export class Audit {
 *   @Receiver(userLoggedIn)
 *   record({ request, user }: typeof userLoggedIn.payload) { ... }
 * }
 */
export function Receiver(signal: Signal<unknown>, options: ReceiverOptions = {}): MethodDecorator {
  return (target, key) => {
    const ctor = target.constructor;
    const list = [...((Reflect.getOwnMetadata(RECEIVERS_KEY, ctor) as ReceiverMeta[] | undefined) ?? [])];
    list.push({ method: String(key), signal, sender: options.sender });
    Reflect.defineMetadata(RECEIVERS_KEY, list, ctor);
  };
}

/** The `@Receiver` methods of `classes`. */
export function receiversOf(classes: readonly Function[]): Array<ReceiverMeta & { cls: Function }> {
  return [...new Set(classes)].flatMap((cls) =>
    ((Reflect.getOwnMetadata(RECEIVERS_KEY, cls) as ReceiverMeta[] | undefined) ?? []).map((meta) => ({
      ...meta,
      cls,
    })),
  );
}

/** What `signals.connect` takes: called with each payload sent. */
export type SignalHandler<T> = (payload: T) => unknown;

interface Connected {
  name: string;
  sender?: Function;
  run: SignalHandler<never>;
}

@Injectable()
export class Signals {
  private readonly receivers = new Map<Signal<unknown>, Connected[]>();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** Connects `handler` to `signal`; returns the function that disconnects it. */
  connect<T>(
    signal: Signal<T>,
    handler: SignalHandler<T>,
    options: ReceiverOptions & { name?: string } = {},
  ): () => void {
    const entry: Connected = {
      name: options.name ?? (handler.name || 'a receiver'),
      sender: options.sender,
      run: handler,
    };
    const list = [...(this.receivers.get(signal) ?? []), entry];
    this.receivers.set(signal, list);
    return () => {
      const now = this.receivers.get(signal) ?? [];
      this.receivers.set(
        signal,
        now.filter((item) => item !== entry),
      );
    };
  }

  /** True when something receives `signal` (senders skip building a payload otherwise). */
  has(signal: Signal<unknown>): boolean {
    return (this.receivers.get(signal)?.length ?? 0) > 0;
  }

  /** Runs the receivers of `signal` in order; a failing one is logged, the others still run. */
  async send<T>(signal: Signal<T>, payload: T): Promise<void> {
    const receivers = this.receivers.get(signal);
    if (receivers === undefined) return;
    const sender = (payload as { sender?: Function }).sender;
    for (const receiver of receivers) {
      if (receiver.sender !== undefined && receiver.sender !== sender) continue;
      try {
        await (receiver.run as SignalHandler<T>)(payload);
      } catch (error) {
        this.logger.error(`Signal ${signal.name}: receiver ${receiver.name} failed (the others still ran)`, error);
      }
    }
  }

  /** @internal Connects the `@Receiver` methods of `classes`, built by `instantiate`. */
  connectReceivers(classes: readonly Function[], instantiate: (cls: Class) => object): void {
    for (const { cls, method, signal, sender } of receiversOf(classes)) {
      const instance = instantiate(cls as Class) as Record<string, (payload: unknown) => unknown>;
      this.connect(signal, (payload) => instance[method](payload), { name: `${cls.name}.${method}`, sender });
    }
  }
}
