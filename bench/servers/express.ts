/** Express 5, with class-validator + class-transformer for the DTO scenario. */
import express from 'express';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { announce, ROUTES, ROWS, VIEWS } from './common';
import { CreateUserDto } from './dto';

const app = express();
app.set('views', VIEWS);
app.set('view engine', 'ejs');
app.set('view cache', true);
app.set('etag', false);
app.set('x-powered-by', false);
app.use(express.json());
let scopedCounter = 0;

app.get('/json', (_req, res) => { res.json({ hello: 'world' }); });
app.get('/json-session', (_req, res) => { res.json({ hello: 'world' }); });
app.get('/users/:id', (req, res) => { res.json({ id: Number(req.params.id) }); });
app.post('/echo', (req, res) => { res.json(req.body); });
app.post('/dto', async (req, res) => {
  const dto = plainToInstance(CreateUserDto, req.body);
  const errors = await validate(dto);
  if (errors.length) res.status(400).json({ errors: errors.map((e) => e.property) });
  else res.json({ ok: true, name: dto.name });
});
for (let i = 0; i < ROUTES; i++) app.get(`/r${i}`, (_req, res) => { res.json({ route: i }); });
app.get('/scoped', (_req, res) => { res.json({ id: ++scopedCounter }); });
app.get('/singleton', (_req, res) => { res.json({ id: 1 }); });
app.get('/page', (_req, res) => { res.render('page', { title: 'Users', rows: ROWS }); });

const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
