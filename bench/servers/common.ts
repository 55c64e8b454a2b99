/**
 * What every benchmark server shares: the data, the number of dummy routes, and how a
 * server announces itself (`LISTENING <port>` on 127.0.0.1, port 0).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const ROUTES = Number(process.env.ROUTES ?? 10);
export const VIEWS = join(__dirname, '../../views');
export const ROWS = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `User <${i + 1}>`, email: `user${i + 1}@example.com` }));

export function announce(address: AddressInfo | string | null): void {
  const port = typeof address === 'object' && address !== null ? address.port : Number(address);
  process.stdout.write(`LISTENING ${port}\n`);
}

/** The same validation rules written by hand, for servers without class-validator. */
export function validUser(body: unknown): body is { name: string; email: string; age: number } {
  const b = body as Record<string, unknown>;
  return typeof b === 'object' && b !== null && typeof b.name === 'string' && b.name.length >= 1 && b.name.length <= 50
    && typeof b.email === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)
    && Number.isInteger(b.age) && (b.age as number) >= 0 && (b.age as number) <= 150;
}
