/** The task behind `mailer.sendLater`: sends one message, retried while the mail server fails. */
import { Injectable } from '../di/injectable';
import { Task } from '../tasks/task';
import { MAIL_TASK, Mailer, type MailMessage } from './mailer';

@Injectable()
export class MailTasks {
  constructor(private readonly mailer: Mailer) {}

  @Task({ name: MAIL_TASK, retries: 3, backoff: 10_000 })
  async send(message: MailMessage): Promise<void> {
    await this.mailer.send(message);
  }
}
