/** The article page's live comment list: a WebSocket per reader, in the article's room. */
import { Param, Route } from 'rondo';
import { Socket, WebSocket, type WebSocketConnection } from 'rondo/realtime';
import { BlogService } from '../services/blog-service';
import { commentsRoom } from '../services/comment-news';

@Route('/ws', { name: 'live' })
export class LiveController {
  constructor(private readonly blog: BlogService) {}

  /** Readers only listen: CommentNews broadcasts each new comment to the room. */
  @WebSocket('/articles/<slug:slug>/comments/', { name: 'comments' })
  async comments(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
    await this.blog.find(slug); // an unknown article refuses the upgrade with a 404
    socket.join(commentsRoom(slug));
  }
}
