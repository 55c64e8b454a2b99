/** node:http with a TypeORM DataSource: the baseline of the ORM scenarios. */
import { createServer } from 'node:http';
import { announce } from './common';
import { BenchRow, openDataSource, TWENTY } from './orm-common';

void openDataSource().then((source) => {
  const rows = source.getRepository(BenchRow);
  const server = createServer((req, res) => {
    const query = req.url === '/rows-atomic' ? source.transaction((manager) => manager.find(BenchRow, TWENTY)) : rows.find(TWENTY);
    void query.then((list) => {
      const body = JSON.stringify(list);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => announce(server.address()));
});
