/**
 * What the app's process is doing, for readiness checks: `shuttingDown` turns true when a
 * graceful stop begins (SIGTERM or app.close()), so `/readyz` answers 503 and a balancer
 * stops sending new requests while the in-flight ones finish. Injectable by type.
 */
export class AppStatus {
  shuttingDown = false;
  readonly startedAt = new Date();
}
