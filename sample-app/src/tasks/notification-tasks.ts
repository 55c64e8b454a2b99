/**
 * Mail the blog sends in the background (rondo/tasks): with `tasksBackend: 'database'` a
 * worker (`rondo worker`) sends it, so posting a comment never waits for the mail server.
 */
import { Injectable, InjectRepository } from 'rondo';
import { Mailer } from 'rondo/mail';
import { Task } from 'rondo/tasks';
import type { Repository } from 'typeorm';
import { Comment } from '../models/article';

@Injectable()
export class NotificationTasks {
  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    private readonly mailer: Mailer,
  ) {}

  /** Tells an article's author about a new comment (not their own). Takes the id: the task loads what is current. */
  @Task({ retries: 3, backoff: 30_000 })
  async newComment(commentId: number): Promise<'sent' | 'skipped'> {
    const comment = await this.comments.findOne({ where: { id: commentId }, relations: { article: true } });
    if (comment === null) return 'skipped'; // deleted before the worker got to it
    const { article } = comment;
    if (article.author.id === comment.author.id || !article.author.email) return 'skipped';
    await this.mailer.send({
      to: article.author.email,
      subject: `New comment on “${article.title}”`,
      text: `${comment.author.username} wrote:\n\n${comment.body}\n`,
    });
    return 'sent';
  }
}
