/**
 * E-mail, as Django's django.core.mail: `mailer.send({ to, subject, text, html })` and
 * `mailer.sendTemplate({ to, subject, template: 'accounts/reset' })` (renders
 * `accounts/reset.txt.ejs` and, when it exists, `accounts/reset.html.ejs`). The backend is
 * `settings.emailBackend`: 'console' (the default: the message is logged, for development),
 * 'file' (one .eml file per message in emailFilePath), 'smtp' (nodemailer, loaded only
 * then) or 'memory' (kept in `mailer.outbox`, for tests). Inject `Mailer` by type.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../app/settings';
import { Inject, Injectable, LOGGER, SETTINGS } from '../di/injectable';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Logger } from '../observability/logger';
import { TemplateDoesNotExist } from '../templates/template-loader';
import { TEMPLATES, type Templates } from '../templates/templates';
import { TaskQueue, type TaskResult } from '../tasks/task-queue';

/** The task `sendLater` queues (MailTasks.send). */
export const MAIL_TASK = 'rondo.mail.send';

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  from?: string;
  replyTo?: string;
}

export interface TemplateMail {
  to: string | string[];
  subject: string;
  /** Name without extension: `<name>.txt.ejs` is the text part, `<name>.html.ejs` (optional) the HTML part. */
  template: string;
  context?: Record<string, unknown>;
  from?: string;
}

type Transport = { sendMail(message: Record<string, unknown>): Promise<unknown> };

const HEADER_UNSAFE = /[\r\n]/;

@Injectable()
export class Mailer {
  /** Messages sent with the 'memory' backend, oldest first (Django's mail.outbox). */
  readonly outbox: Array<Required<Pick<MailMessage, 'subject' | 'text' | 'from'>> & { to: string[]; html?: string }> =
    [];
  private transport: Transport | undefined;
  private count = 0;

  // settings.emailBackend is one of the four: resolveSettings checks it at start-up.
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(TEMPLATES) private readonly templates: Templates,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queue: TaskQueue,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const { to, from } = this.check(message);
    const mail = {
      from,
      to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      replyTo: message.replyTo,
    };
    switch (this.settings.emailBackend) {
      case 'memory':
        this.outbox.push({ from, to, subject: message.subject, text: message.text, html: message.html });
        return;
      case 'console':
        this.logger.info(`E-mail to ${to.join(', ')} from ${from}: ${message.subject}\n${message.text}`);
        return;
      case 'file': {
        mkdirSync(this.settings.emailFilePath, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++this.count}.eml`;
        writeFileSync(
          join(this.settings.emailFilePath, name),
          `From: ${from}\nTo: ${to.join(', ')}\nSubject: ${message.subject}\n\n${message.text}\n${message.html ? `\n--- HTML ---\n${message.html}\n` : ''}`,
        );
        return;
      }
      default:
        await this.smtp().sendMail(mail);
    }
  }

  /** Renders the template's text (and HTML, if there is one) part with `context`, then sends. */
  sendTemplate(mail: TemplateMail): Promise<void> {
    return this.send(this.renderTemplate(mail));
  }

  private renderTemplate(mail: TemplateMail): MailMessage {
    const context = mail.context ?? {};
    const text = this.templates.renderToString(`${mail.template}.txt.ejs`, context);
    let html: string | undefined;
    try {
      html = this.templates.renderToString(`${mail.template}.html.ejs`, context);
    } catch (error) {
      if (!(error instanceof TemplateDoesNotExist)) throw error;
    }
    return { to: mail.to, subject: mail.subject, text, html, from: mail.from };
  }

  /**
   * Sends through a task (`rondo.mail.send`, retried 3 times with backoff from 10 s): the
   * request does not wait for the mail server, and a slow or dead one does not fail it.
   * The message is checked (header injection) now; with the immediate backend it is sent
   * before this resolves.
   */
  async sendLater(message: MailMessage): Promise<TaskResult> {
    this.check(message);
    return this.queue.enqueueByName(MAIL_TASK, [{ ...message }]);
  }

  /** Renders the template now (in the request, with its context), then sends through a task. */
  sendTemplateLater(mail: TemplateMail): Promise<TaskResult> {
    return this.sendLater(this.renderTemplate(mail));
  }

  /** The recipients and sender of a message whose headers are safe; else EMAIL_HEADER_INVALID. */
  private check(message: MailMessage): { to: string[]; from: string } {
    const to = Array.isArray(message.to) ? message.to : [message.to];
    const from = message.from ?? this.settings.defaultFromEmail;
    for (const [field, value] of [
      ['to', to.join(',')],
      ['from', from],
      ['subject', message.subject],
      ['replyTo', message.replyTo ?? ''],
    ] as const) {
      if (HEADER_UNSAFE.test(value))
        throw new ImproperlyConfigured(
          'EMAIL_HEADER_INVALID',
          `The e-mail's ${field} contains a line break (header injection); refused`,
        );
    }
    if (to.length === 0) throw new ImproperlyConfigured('EMAIL_HEADER_INVALID', 'The e-mail has no recipient (to)');
    return { to, from };
  }

  /** Closes the SMTP connection (the app's onShutdown hooks call it). */
  onShutdown(): void {
    (this.transport as { close?: () => void } | undefined)?.close?.();
  }

  private smtp(): Transport {
    if (this.transport === undefined) {
      const nodemailer = require('nodemailer') as typeof import('nodemailer');
      const {
        emailHost: host,
        emailPort: port,
        emailHostUser: user,
        emailHostPassword: pass,
        emailUseTls: secure,
      } = this.settings;
      this.transport = nodemailer.createTransport({ host, port, secure, auth: user ? { user, pass } : undefined });
    }
    return this.transport;
  }
}
