/**
 * Request scope without a container per request: at start-up each request-scoped token
 * gets a compiled builder; per request a RequestScope (created only for routes that need
 * one) memoises instances. Apps with no request-scoped service never create one.
 */
import type { Scope, Token } from '../metadata/keys';
import { REQUEST } from './injectable';
import type { ProviderPlan } from './providers';

/** One request's instances of request-scoped services. */
export class RequestScope {
  readonly instances = new Map<Token, unknown>();

  constructor(readonly request: unknown) {}
}

type Builder = (scope: RequestScope) => unknown;

export interface ScopeSource {
  plan(token: Token): ProviderPlan;
  scope(token: Token): Scope;
  get(token: Token): unknown;
}

export class RequestScopeCompiler {
  private readonly builders = new Map<Token, Builder>();

  constructor(private readonly source: ScopeSource) {}

  factory(token: Token): Builder {
    let builder = this.builders.get(token);
    if (builder === undefined) {
      builder = this.compile(token);
      this.builders.set(token, builder);
    }
    return builder;
  }

  private compile(token: Token): Builder {
    const plan = this.source.plan(token);
    const getters = plan.deps.map((dep) => this.getter(dep));
    const build = (scope: RequestScope) => plan.build(...getters.map((get) => get(scope)));
    if (plan.scope !== 'request') return build; // a controller or transient lifted to request scope
    return (scope) => {
      let instance = scope.instances.get(token);
      if (instance === undefined) {
        instance = build(scope);
        scope.instances.set(token, instance);
      }
      return instance;
    };
  }

  private getter(dep: Token): Builder {
    if (dep === REQUEST) return (scope) => scope.request;
    const scope = this.source.scope(dep);
    if (scope === 'request') return this.factory(dep);
    if (scope === 'transient') return () => this.source.get(dep);
    let cached: unknown;
    let resolved = false;
    return () => {
      if (!resolved) {
        cached = this.source.get(dep);
        resolved = true;
      }
      return cached;
    };
  }
}
