/**
 * What happens when a comment is published, from the page or the API: everyone reading
 * the article sees it at once (a WebSocket broadcast to the article's room, through Redis
 * when the blog runs as several instances), and the article's author gets a mail (a task).
 */
import { Injectable } from 'rondo';
import { Channels } from 'rondo/realtime';
import { TaskQueue } from 'rondo/tasks';
import { NotificationTasks } from '../tasks/notification-tasks';
import type { CommentView } from './blog-service';

/** The room of an article's live comment list. */
export const commentsRoom = (slug: string) => `article:${slug}:comments`;

@Injectable()
export class CommentNews {
  constructor(
    private readonly channels: Channels,
    private readonly queue: TaskQueue,
  ) {}

  async published(slug: string, comment: CommentView): Promise<void> {
    await this.channels.broadcast(commentsRoom(slug), {
      comment: { id: comment.id, body: comment.body, author: comment.author.username, createdAt: comment.createdAt },
    });
    await this.queue.enqueue(NotificationTasks, 'newComment', [comment.id]);
  }
}
