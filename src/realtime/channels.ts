/**
 * Channels: the app's WebSocket rooms (Django Channels' groups). A connection joins a
 * room; `broadcast(room, message)` sends to every connection in it. With
 * `settings.channelsBackend: 'redis'`, a broadcast is published on Redis and every
 * instance of the app (processes, machines behind nginx) delivers it to its own members,
 * so an HTTP view on one instance reaches clients connected to another.
 */
import type Redis from 'ioredis';
import type { Settings } from '../app/settings';
import { Inject, Injectable, LOGGER, SETTINGS } from '../di/injectable';
import type { Logger } from '../observability/logger';
import type { RoomRegistry, WebSocketConnection } from './connection';

interface Published {
  room: string;
  message: unknown;
  /** The connection not to send it to (the sender). */
  except?: string;
}

export interface BroadcastOptions {
  /** A connection left out (usually the one whose message is being relayed). */
  except?: WebSocketConnection;
}

@Injectable()
export class Channels implements RoomRegistry {
  private readonly rooms = new Map<string, Set<WebSocketConnection>>();
  private publisher: Redis | undefined;
  private subscriber: Promise<Redis> | undefined;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private get channel(): string {
    return `${this.settings.cacheKeyPrefix}:channels`;
  }

  /** Sends `message` to every connection in `room` (on every instance with the redis backend). */
  async broadcast(room: string, message: unknown, options: BroadcastOptions = {}): Promise<void> {
    const published: Published = { room, message, except: options.except?.id };
    if (this.settings.channelsBackend !== 'redis') return this.deliver(published);
    this.publisher ??= this.connect('publish');
    await this.publisher.publish(this.channel, JSON.stringify(published));
  }

  /** Connections in `room` on this instance. */
  members(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** @internal */
  join(connection: WebSocketConnection, room: string): void {
    let members = this.rooms.get(room);
    if (members === undefined) this.rooms.set(room, (members = new Set()));
    members.add(connection);
    if (this.settings.channelsBackend === 'redis') void this.subscribe();
  }

  /** @internal */
  leave(connection: WebSocketConnection, room: string): void {
    const members = this.rooms.get(room);
    members?.delete(connection);
    if (members?.size === 0) this.rooms.delete(room);
  }

  /** @internal A connection ended: out of every room. */
  closed(connection: WebSocketConnection): void {
    for (const room of connection.roomNames) this.leave(connection, room);
  }

  /** Closes the Redis connections (the app's shutdown runs it). */
  async onShutdown(): Promise<void> {
    this.publisher?.disconnect();
    (await this.subscriber)?.disconnect();
  }

  /** Redis messages of every instance reach this one's members once it subscribed (at the first join). */
  private subscribe(): Promise<Redis> {
    this.subscriber ??= (async () => {
      const subscriber = this.connect('subscribe');
      subscriber.on('message', (_channel: string, text: string) => {
        try {
          this.deliver(JSON.parse(text) as Published);
        } catch (error) {
          this.logger.error('Channels: a broadcast from Redis could not be read', error);
        }
      });
      await subscriber.subscribe(this.channel);
      return subscriber;
    })();
    return this.subscriber;
  }

  private deliver(published: Published): void {
    const members = this.rooms.get(published.room);
    if (members === undefined) return;
    const { message } = published;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const connection of members) if (connection.id !== published.except) connection.send(text);
  }

  private connect(role: string): Redis {
    const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
    const client = new RedisClient(this.settings.redisUrl, { maxRetriesPerRequest: 1 });
    client.on('error', (error: Error) => this.logger.warn(`Channels: Redis (${role}) ${error.message}`));
    return client;
  }
}
