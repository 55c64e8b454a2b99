/**
 * Builds an app's inversify container from provider plans, after checking the whole graph
 * at start-up: every dependency bound, no cycles, no singleton holding a request-scoped
 * service. The only module that imports inversify.
 */
import { Container } from 'inversify';

export type { Container };
import { ImproperlyConfigured } from '../errors/rondo-error';
import { OPTIONAL_KEY, type Class, type Scope, type Token } from '../metadata/keys';
import { REQUEST } from './injectable';
import { classPlan, constructorOwner, injectableScope, tokenName, type ProviderPlan } from './providers';
import { RequestScopeCompiler, type RequestScope } from './request-scope';

export interface ContainerSpec {
  /** Services, controllers and middleware, in the order declared (later wins). */
  providers: ProviderPlan[];
  /** Tokens (controllers) that become request-scoped when they depend on a request-scoped service. */
  bubbling: ReadonlySet<Token>;
  /** Tokens replaced by a value (tests: `client.override`). */
  overrides: ReadonlyMap<Token, unknown>;
}

/** What an unbound `@Optional()` parameter resolves to (bound to undefined). */
const ABSENT = Symbol('rondo:absent');

function optionalParams(cls: Class): ReadonlySet<number> {
  return (Reflect.getOwnMetadata(OPTIONAL_KEY, constructorOwner(cls)) as Set<number> | undefined) ?? new Set();
}

const PRIMITIVES = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Symbol, Promise]);

/** An app's container plus the scope knowledge Rondo needs to build views quickly. */
export class AppContainer {
  readonly container = new Container();
  private readonly plans = new Map<Token, ProviderPlan>();
  private readonly scopes = new Map<Token, Scope>();
  private readonly requestScope: RequestScopeCompiler;

  constructor(spec: ContainerSpec) {
    for (const plan of spec.providers) this.plans.set(plan.token, plan);
    for (const [token, value] of spec.overrides) {
      this.plans.set(token, {
        token,
        scope: 'singleton',
        deps: [],
        build: () => value,
        value: { value },
        label: `override of ${tokenName(token)}`,
      });
    }
    for (const plan of [...this.plans.values()]) this.checkDeps(plan);
    this.checkCycles();
    for (const token of this.plans.keys()) this.scopeOf(token, spec.bubbling);
    this.bind();
    this.requestScope = new RequestScopeCompiler({
      plan: (token) => this.plans.get(token)!,
      scope: (token) => this.scopes.get(token)!,
      get: (token) => this.container.get(token),
    });
  }

  /** The effective scope of a bound token. */
  scope(token: Token): Scope {
    const scope = this.scopes.get(token);
    if (scope === undefined)
      throw new ImproperlyConfigured('DI_MISSING_BINDING', `${tokenName(token)} is not bound in the container`);
    return scope;
  }

  /** The tokens a bound token's constructor or factory receives, in order (`rondo routes --explain`). */
  dependencies(token: Token): readonly Token[] {
    return this.plans.get(token)?.deps ?? [];
  }

  /** Singleton tokens whose class (or value) has a method named `hook` (lifecycle hooks). */
  singletonsWith(hook: string): Token[] {
    return [...this.plans.values()]
      .filter((plan) => this.scopes.get(plan.token) === 'singleton')
      .filter(
        (plan) =>
          typeof (plan.cls?.prototype as Record<string, unknown> | undefined)?.[hook] === 'function' ||
          typeof (plan.value?.value as Record<string, unknown> | null | undefined)?.[hook] === 'function',
      )
      .map((plan) => plan.token);
  }

  /** Resolves a singleton or transient token from the root container. */
  get<T>(token: Token<T>): T {
    return this.container.get<T>(token);
  }

  /** A compiled builder of a request-scoped token for one request's scope. */
  requestFactory<T>(token: Token<T>): (scope: RequestScope) => T {
    return this.requestScope.factory(token) as (scope: RequestScope) => T;
  }

  private checkDeps(plan: ProviderPlan): void {
    plan.deps.forEach((dep, index) => {
      const where = `parameter #${index}${paramName(plan.cls, index)} of ${plan.label}`;
      if (dep === REQUEST) return;
      if (dep === undefined || PRIMITIVES.has(dep)) {
        throw new ImproperlyConfigured(
          'DI_UNRESOLVABLE_PARAM',
          `Cannot inject ${where}: its type is ${dep === undefined ? 'unknown (a circular import, or a type-only import?)' : tokenName(dep)}, which is not a class. ` +
            'Give it a class type, or use @Inject(TOKEN) with a provider for TOKEN',
        );
      }
      if (this.plans.has(dep)) return;
      if (typeof dep === 'function' && injectableScope(dep as Class) !== undefined) {
        const auto = classPlan(dep as Class, injectableScope(dep as Class)!);
        this.plans.set(dep, auto);
        this.checkDeps(auto);
        return;
      }
      if (plan.cls !== undefined && optionalParams(plan.cls).has(index)) {
        plan.deps[index] = ABSENT;
        if (!this.plans.has(ABSENT))
          this.plans.set(ABSENT, {
            token: ABSENT,
            scope: 'singleton',
            deps: [],
            build: () => undefined,
            value: { value: undefined },
            label: 'absent optional dependency',
          });
        return;
      }
      throw new ImproperlyConfigured(
        'DI_MISSING_BINDING',
        `No provider for ${tokenName(dep)}, needed by ${where}. ` +
          (typeof dep === 'function'
            ? `Decorate ${tokenName(dep)} with @Injectable(), or add it to createApp({ providers: [...] })`
            : `Add { provide: ${tokenName(dep)}, useValue | useClass | useFactory } to createApp({ providers: [...] })`),
      );
    });
  }

  private checkCycles(): void {
    const state = new Map<Token, 'visiting' | 'done'>();
    const visit = (token: Token, path: Token[]): void => {
      if (state.get(token) === 'done' || token === REQUEST) return;
      if (state.get(token) === 'visiting') {
        const describe = (t: Token) => {
          const label = this.plans.get(t)?.label;
          return label && label !== tokenName(t) ? `${tokenName(t)} (${label})` : tokenName(t);
        };
        const cycle = [...path.slice(path.indexOf(token)), token].map(describe).join(' → ');
        throw new ImproperlyConfigured(
          'DI_CIRCULAR',
          `Circular dependency: ${cycle}. Break it by moving the shared part into a third service`,
        );
      }
      state.set(token, 'visiting');
      for (const dep of this.plans.get(token)!.deps) visit(dep, [...path, token]);
      state.set(token, 'done');
    };
    for (const token of this.plans.keys()) visit(token, []);
  }

  private scopeOf(token: Token, bubbling: ReadonlySet<Token>): Scope {
    const known = this.scopes.get(token);
    if (known !== undefined) return known;
    const plan = this.plans.get(token)!;
    const requestDep = plan.deps.find((dep) => dep === REQUEST || this.scopeOf(dep, bubbling) === 'request');
    let scope = plan.scope;
    if (requestDep !== undefined && scope !== 'request') {
      if (scope === 'transient' || bubbling.has(token)) scope = 'request';
      else {
        throw new ImproperlyConfigured(
          'DI_SCOPE_WIDENING',
          `${plan.label} is a singleton but depends on the request-scoped ${tokenName(requestDep)}: one instance cannot hold a per-request value. ` +
            `Make ${plan.label} @Injectable({ scope: 'request' }), or pass the request-specific value as a method argument`,
        );
      }
    }
    this.scopes.set(token, scope);
    return scope;
  }

  private bind(): void {
    const outsideRequest = (token: Token) => () => {
      throw new ImproperlyConfigured(
        'DI_REQUEST_SCOPE',
        `${tokenName(token)} is request-scoped: it exists only while a request is handled. Inject it into a controller or another request-scoped service`,
      );
    };
    this.container.bind(REQUEST).toDynamicValue(outsideRequest(REQUEST));
    for (const [token, plan] of this.plans) {
      const scope = this.scopes.get(token)!;
      const binding = this.container.bind(token);
      if (plan.value !== undefined) binding.toConstantValue(plan.value.value);
      else if (scope === 'request') binding.toDynamicValue(outsideRequest(token));
      else {
        const syntax = binding.toResolvedValue(plan.build as never, plan.deps as never);
        if (scope === 'singleton') syntax.inSingletonScope();
        else syntax.inTransientScope();
      }
    }
  }
}

function paramName(cls: Class | undefined, index: number): string {
  if (cls === undefined) return '';
  const match = /constructor\s*\(([^)]*)\)/.exec(cls.toString());
  const name = match?.[1].split(',')[index]?.trim().split(/[\s=]/)[0];
  return name ? ` (${name})` : '';
}
