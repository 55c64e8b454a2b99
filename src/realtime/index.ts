/**
 * `rondo/realtime`: WebSocket routes and rooms (server-sent events are `EventStreamResponse`, in `rondo`).
 *
 * ```ts
 * import { Channels, Socket, WebSocket, type WebSocketConnection } from 'rondo/realtime';
 *
 * @WebSocket('/ws/articles/<slug:slug>/')
 * live(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
 *   socket.join(`article:${slug}`);
 * }
 * // elsewhere: await channels.broadcast(`article:${slug}`, { comment });
 * ```
 */
import 'reflect-metadata';

export { Socket, WebSocket } from './websocket';
export {
  CLOSE,
  WebSocketConnection,
  type CloseHandler,
  type MessageHandler,
  type RoomRegistry,
  type WebSocketOptions,
} from './connection';
export { Channels, type BroadcastOptions } from './channels';
