/**
 * `rondo/mail`: the `Mailer` service (console, file, SMTP or in-memory backends, by
 * settings.emailBackend), plain and templated messages.
 *
 * ```ts
 * import { Mailer } from 'rondo/mail';
 * await mailer.send({ to: 'ann@example.com', subject: 'Hello', text: 'Welcome aboard' });
 * ```
 */
import 'reflect-metadata';

export { Mailer, type MailMessage, type TemplateMail } from './mailer';
