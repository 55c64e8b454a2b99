/**
 * Entity signals and the app's own TypeORM subscribers. One subscriber of Rondo's sends
 * entityInserted / entityUpdated / entityRemoved (with the entity's class as `sender`) for
 * every entity the app saves or removes through TypeORM; and a service of the app marked
 * with TypeORM's `@EventSubscriber()` is built by the app's container (so it injects what
 * it needs) and registered on the app's data source. Both run inside the saving
 * transaction, as TypeORM's subscribers do. (Query-builder updates and deletes have no
 * entity: TypeORM does not report them to subscribers.)
 */
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { Class } from '../metadata/keys';
import { entityInserted, entityRemoved, entityUpdated, type Signal, type Signals } from './signals';

type EntitySignal = Signal<{ entity: object; sender: Function }>;

function signalSubscriber(signals: () => Signals): EntitySubscriberInterface {
  const send = (signal: EntitySignal, entity: unknown, target: unknown) => {
    const current = signals();
    if (!current.has(signal) || typeof entity !== 'object' || entity === null || typeof target !== 'function')
      return undefined;
    return current.send(signal, { entity, sender: target });
  };
  return {
    afterInsert: (event) => send(entityInserted, event.entity, event.metadata.target),
    afterUpdate: (event) => send(entityUpdated, event.entity ?? event.databaseEntity, event.metadata.target),
    afterRemove: (event) => send(entityRemoved, event.entity ?? event.databaseEntity, event.metadata.target),
  };
}

/** At start-up, once the data source is connected: Rondo's subscriber, then the app's `@EventSubscriber` services. */
export function registerSubscribers(
  dataSource: DataSource,
  signals: () => Signals,
  classes: readonly Function[],
  instantiate: (cls: Class) => object,
): void {
  const { getMetadataArgsStorage } = require('typeorm') as typeof import('typeorm');
  const marked = new Set(getMetadataArgsStorage().entitySubscribers.map((args) => args.target));
  const subscribers = dataSource.subscribers;
  subscribers.push(signalSubscriber(signals));
  for (const cls of new Set(classes)) {
    if (marked.has(cls)) subscribers.push(instantiate(cls as Class) as EntitySubscriberInterface);
  }
}
