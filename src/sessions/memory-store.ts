/**
 * In-memory session store: for development and tests, one process only (sessions vanish
 * on restart and are not shared between workers). Expired entries are swept lazily.
 */
import { randomBytes } from 'node:crypto';
import { SessionInterrupted, type SessionData, type SessionStore } from './session-store';

export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, { data: string; expires: number }>();

  async load(key: string): Promise<SessionData | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Stored as JSON so a caller mutating the object does not change the stored session.
    return JSON.parse(entry.data) as SessionData;
  }

  async save(key: string | undefined, data: SessionData, ttlSeconds: number): Promise<string> {
    if (key !== undefined && !this.entries.has(key)) throw new SessionInterrupted();
    const id = key ?? randomBytes(24).toString('base64url');
    this.entries.set(id, { data: JSON.stringify(data), expires: Date.now() + ttlSeconds * 1000 });
    if (this.entries.size % 1000 === 0) this.sweep();
    return id;
  }

  async destroy(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
