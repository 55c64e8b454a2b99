import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtp } from '../fixtures/smtp';
import { ImproperlyConfigured, type App } from 'rondo';
import { Mailer } from 'rondo/mail';
import { capturingLogger, makeApp } from '../fixtures/apps';

const TEMPLATES = join(__dirname, '../../../test/fixtures/templates');

async function mailerOf(
  settings: Record<string, unknown>,
  logger = capturingLogger(),
): Promise<{ app: App; mailer: Mailer }> {
  const app = await makeApp({ logger, settings: { templates: { dirs: [TEMPLATES] }, ...settings } });
  return { app, mailer: app.container.get(Mailer) };
}

describe('Mailer', () => {
  it('sends through a real SMTP server (smtp-server in process), text and HTML parts from templates', async () => {
    const smtp = await startSmtp();
    const received = smtp.received;
    const { app, mailer } = await mailerOf({
      emailBackend: 'smtp',
      emailHost: '127.0.0.1',
      emailPort: smtp.port,
      defaultFromEmail: 'site@example.com',
    }).catch(async (error: unknown) => {
      await smtp.close();
      throw error;
    });
    try {
      await mailer.sendTemplate({
        to: 'ann@example.com',
        subject: 'Welcome',
        template: 'mail/welcome',
        context: { name: 'Ann', site: 'Rondo' },
      });
      expect(received).to.have.length(1);
      expect(received[0])
        .to.include('Subject: Welcome')
        .and.include('To: ann@example.com')
        .and.include('From: site@example.com');
      expect(received[0]).to.include('Hello Ann, welcome to Rondo.').and.include('<strong>Ann</strong>');
    } finally {
      await app.close();
      await smtp.close();
    }
  });

  it("keeps messages in mailer.outbox with the 'memory' backend, text only when there is no HTML template", async () => {
    const { app, mailer } = await mailerOf({ emailBackend: 'memory' });
    await mailer.send({ to: ['a@example.com', 'b@example.com'], subject: 'Hi', text: 'Plain' });
    expect(mailer.outbox).to.deep.equal([
      {
        from: 'webmaster@localhost',
        to: ['a@example.com', 'b@example.com'],
        subject: 'Hi',
        text: 'Plain',
        html: undefined,
      },
    ]);
    await app.close();
  });

  it('logs the message with the console backend (the default), and writes .eml files with the file backend', async () => {
    const logger = capturingLogger();
    const { app, mailer } = await mailerOf({}, logger);
    await mailer.send({ to: 'ann@example.com', subject: 'Reset', text: 'Your link: https://example.com/r/1' });
    expect(
      logger.lines.some(
        (l) => l.level === 'info' && l.message.includes('E-mail to ann@example.com') && l.message.includes('Your link'),
      ),
    ).to.equal(true);
    await app.close();
    const dir = mkdtempSync(join(tmpdir(), 'rondo-mail-'));
    const file = await mailerOf({ emailBackend: 'file', emailFilePath: dir });
    await file.mailer.send({ to: 'ann@example.com', subject: 'Saved', text: 'On disk' });
    const [name] = readdirSync(dir);
    expect(readFileSync(join(dir, name), 'utf8'))
      .to.include('Subject: Saved')
      .and.include('On disk');
    await file.app.close();
  });

  it('refuses header injection and a missing recipient, and an unknown backend at start-up', async () => {
    const { app, mailer } = await mailerOf({ emailBackend: 'memory' });
    const injected = await mailer
      .send({ to: 'ann@example.com', subject: 'Hi\r\nBcc: all@example.com', text: 'x' })
      .catch((e: unknown) => e);
    expect((injected as ImproperlyConfigured).code).to.equal('EMAIL_HEADER_INVALID');
    expect(
      ((await mailer.send({ to: [], subject: 'x', text: 'x' }).catch((e: unknown) => e)) as Error).message,
    ).to.include('no recipient');
    expect(mailer.outbox).to.deep.equal([]);
    await app.close();
    const bad = await mailerOf({ emailBackend: 'pigeon' }).catch((e: unknown) => e);
    expect((bad as ImproperlyConfigured).code).to.equal('EMAIL_BACKEND_UNKNOWN');
    expect((bad as Error).message)
      .to.include('settings.emailBackend is "pigeon"')
      .and.include("'smtp'");
  });
});
