/** Express 5 + helmet + express-session (its default memory store) + csrf-sync, at their defaults. */
import express from 'express';
import helmet from 'helmet';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import { announce } from './common';
import { HELMET_OPTIONS, SECRET, USERS, formPage, mePage } from './stack-common';

declare module 'express-session' {
  interface SessionData {
    n: number;
    userId: string;
  }
}

const { generateToken, csrfSynchronisedProtection } = csrfSync({
  getTokenFromRequest: (req) => req.headers['x-csrf-token'] as string,
});

const app = express();
app.use(helmet(HELMET_OPTIONS));
app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
app.use(express.json());
app.get('/form', (req, res) => {
  res.type('html').send(formPage(generateToken(req), req.session.n ?? 0));
});
app.post('/form', csrfSynchronisedProtection, (req, res) => {
  const n = (req.session.n ?? 0) + 1;
  req.session.n = n;
  res.json({ n, title: (req.body as { title?: string }).title });
});
app.get('/me', (req, res) => {
  const user = USERS.get(req.session.userId ?? '');
  if (user === undefined) return res.redirect('/login');
  res.type('html').send(mePage(user));
});
app.get('/seed', (req, res) => {
  req.session.userId = '1';
  req.session.n = 0;
  res.json({ token: generateToken(req) });
});
const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
