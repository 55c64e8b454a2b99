import { expect } from 'chai';
import { AuthenticationMiddleware, DEFAULT_SETTINGS, MessageMiddleware, SessionMiddleware, type App } from 'rondo';
import { systemIssues } from '../../src/cli/commands/deploy-check';

/** Just what the checks read of an app: settings, middleware chain in order, routes (none), an empty container. */
function appWith(chain: Function[], settings: Record<string, unknown> = {}): App {
  const middleware = chain.map((cls, i) => ({ name: cls.name, cls, order: (i + 1) * 100, file: undefined, hooks: [] }));
  return {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    explain: () => ({ method: 'GET', path: '/', outcome: 'not-found', middleware }),
    routes: () => [],
    container: { isBound: () => false },
  } as unknown as App;
}

describe('the system checks of the middleware chain', () => {
  it('accept the default order (session before authentication and messages)', () => {
    expect(systemIssues(appWith([SessionMiddleware, AuthenticationMiddleware, MessageMiddleware]))).to.deep.equal([]);
  });

  it('report middleware that need the session but run before it, with the fix', () => {
    class LateSession extends SessionMiddleware {}
    const issues = systemIssues(
      appWith([AuthenticationMiddleware, MessageMiddleware, LateSession], { messageStorage: 'session' }),
    );
    expect(issues.map((i) => [i.id, i.level])).to.deep.equal([
      ['rondo.E001', 'ERROR'],
      ['rondo.E003', 'ERROR'],
    ]);
    expect(issues[0].message).to.include(
      'SessionMiddleware runs after it: give SessionMiddleware a lower @Middleware order than AuthenticationMiddleware',
    );
  });

  it('leave messages in a cookie alone', () => {
    expect(systemIssues(appWith([MessageMiddleware], { messageStorage: 'cookie' }))).to.deep.equal([]);
  });
});
