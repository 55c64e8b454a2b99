/**
 * RequestSession: `request.session`, Django's SessionBase for one request. Data is loaded from
 * the store on first use (a request that never touches the session costs no store I/O),
 * so every accessor is async. Changes are saved by SessionMiddleware on the way out.
 */
import type { SessionData, SessionStore } from './session-store';

function pick<T>(data: SessionData, name: string, fallback: T | undefined): T | undefined {
  return Object.prototype.hasOwnProperty.call(data, name) ? (data[name] as T) : fallback;
}

export class RequestSession {
  /** True once data was changed (set, delete, flush, cycleKey). */
  modified = false;
  /** True once data was read or written. */
  accessed = false;
  /** The loaded data; until `owned`, it is the store's object (maybe frozen, shared): copied before a write. */
  private data: SessionData | undefined;
  private owned = false;
  private cacheTried = false;
  private loading: Promise<SessionData> | undefined;
  /** The store key from the cookie; undefined for a new session. */
  key: string | undefined;
  /** Keys to destroy in the store on save (after flush/cycleKey). */
  readonly stale: string[] = [];

  /** True when the request carried a session cookie. */
  readonly fromCookie: boolean;

  constructor(
    private readonly store: SessionStore,
    key: string | undefined,
  ) {
    this.key = key;
    this.fromCookie = key !== undefined;
  }

  get<T = unknown>(name: string, fallback?: T): Promise<T | undefined> {
    // The hot accessor: no async frame, and no then() once the data is at hand (loaded,
    // or in the store's cache).
    if (this.data !== undefined || this.loadCached()) {
      this.accessed = true;
      return Promise.resolve(pick(this.data!, name, fallback));
    }
    return this.load().then((data) => pick(data, name, fallback));
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.load();
    this.writable()[name] = value;
    this.modified = true;
  }

  async delete(name: string): Promise<void> {
    const data = await this.load();
    if (Object.prototype.hasOwnProperty.call(data, name)) {
      delete this.writable()[name];
      this.modified = true;
    }
  }

  async has(name: string): Promise<boolean> {
    return Object.prototype.hasOwnProperty.call(await this.load(), name);
  }

  async keys(): Promise<string[]> {
    return Object.keys(await this.load());
  }

  /** Removes all data and the stored session, and starts a new key (Django's flush, used by logout). */
  async flush(): Promise<void> {
    await this.load();
    this.data = Object.create(null) as SessionData;
    this.owned = true;
    this.retireKey();
    this.modified = true;
  }

  /** Keeps the data under a new key (used by login: no session fixation). */
  async cycleKey(): Promise<void> {
    await this.load();
    this.retireKey();
    this.modified = true;
  }

  /** True when the session holds no data (after loading). */
  async isEmpty(): Promise<boolean> {
    return Object.keys(await this.load()).length === 0;
  }

  /** The loaded data, for the middleware to save; undefined when never loaded. */
  snapshot(): SessionData | undefined {
    return this.data;
  }

  private retireKey(): void {
    if (this.key !== undefined) this.stale.push(this.key);
    this.key = undefined;
  }

  /** Takes the data from the store's cache when it is there (no I/O); true when loaded. */
  private loadCached(): boolean {
    if (this.cacheTried || this.key === undefined || this.store.loadCached === undefined) return false;
    this.cacheTried = true;
    let cached: SessionData | undefined;
    try {
      cached = this.store.loadCached(this.key);
    } catch {
      return false; // a failing cache is a miss: load() reports what is wrong
    }
    if (cached === undefined) return false;
    this.adopt(cached);
    return true;
  }

  private load(): Promise<SessionData> {
    this.accessed = true;
    if (this.data !== undefined || this.loadCached()) return Promise.resolve(this.data!);
    if (this.loading === undefined) {
      // One then() rather than an async frame: the first read costs one store call.
      this.loading =
        this.key === undefined
          ? Promise.resolve(this.adopt(undefined))
          : Promise.resolve(this.store.load(this.key)).then((stored) => this.adopt(stored));
    }
    return this.loading;
  }

  private adopt(stored: SessionData | undefined): SessionData {
    // An unknown or expired key is never reused: the next save makes a new one, so a
    // client cannot choose its session id (session fixation).
    if (stored === undefined) this.key = undefined;
    // Reads use the store's object as it is (a request that only reads copies nothing).
    this.data = stored ?? (Object.create(null) as SessionData);
    this.owned = stored === undefined;
    return this.data;
  }

  /**
   * The data, ready to change: the first write copies the store's object into one of the
   * session's own, without a prototype (so a key like `__proto__` is only a key).
   */
  private writable(): SessionData {
    if (!this.owned) {
      this.data = Object.assign(Object.create(null) as SessionData, this.data);
      this.owned = true;
    }
    return this.data!;
  }
}
