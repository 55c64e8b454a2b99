/**
 * Provider declarations accepted by createApp (`providers: [...]`), NestJS-style, and
 * their normalised form.
 */
import { INJECT_KEY, INJECTABLE_KEY, type Class, type InjectableMeta, type Scope, type Token } from '../metadata/keys';

export type Provider =
  | Class
  | { provide: Token; useValue: unknown }
  | { provide: Token; useClass: Class; scope?: Scope }
  | { provide: Token; useFactory: (...deps: never[]) => unknown; inject?: Token[]; scope?: Scope };

/** One binding to make: how to build `token`, from which dependencies, in which scope. */
export interface ProviderPlan {
  token: Token;
  scope: Scope;
  /** Tokens of the dependencies, in argument order. */
  deps: Token[];
  /** Builds the value from resolved dependencies. */
  build: (...deps: unknown[]) => unknown;
  /** Present for constant values. */
  value?: { value: unknown };
  /** e.g. `PostController` or `provider 'Clock'`, for messages. */
  label: string;
  /** The class, when the provider is a class (for parameter names in messages). */
  cls?: Class;
}

export function tokenName(token: Token | undefined): string {
  if (token === undefined) return 'undefined';
  if (typeof token === 'function') return token.name || '(anonymous class)';
  return typeof token === 'symbol' ? token.toString() : `'${token}'`;
}

/**
 * The class whose constructor `cls` runs: itself, or for a subclass without a constructor
 * of its own the nearest ancestor with one, so its `@Inject` and `@Optional` marks apply.
 */
export function constructorOwner(cls: Class): Class {
  let owner = cls;
  while (!Reflect.hasOwnMetadata('design:paramtypes', owner) && !Reflect.hasOwnMetadata(INJECT_KEY, owner)) {
    const parent = Object.getPrototypeOf(owner) as Class | null;
    if (typeof parent !== 'function' || parent === Function.prototype) return cls;
    owner = parent;
  }
  return owner;
}

/** Constructor dependency tokens: `@Inject` overrides, else the parameter's emitted type. */
export function constructorDeps(cls: Class): Array<Token | undefined> {
  const owner = constructorOwner(cls);
  const types = (Reflect.getOwnMetadata('design:paramtypes', owner) as Array<Token | undefined> | undefined) ?? [];
  const injected =
    (Reflect.getOwnMetadata(INJECT_KEY, owner) as Map<number, Token> | undefined) ?? new Map<number, Token>();
  const count = Math.max(types.length, cls.length, injected.size ? Math.max(...injected.keys()) + 1 : 0);
  const deps: Array<Token | undefined> = [];
  for (let i = 0; i < count; i++) deps.push(injected.get(i) ?? types[i]);
  return deps;
}

export function injectableScope(cls: Class): Scope | undefined {
  return (Reflect.getMetadata(INJECTABLE_KEY, cls) as InjectableMeta | undefined)?.scope;
}

/** A class plan (deps are checked later by the container builder). */
export function classPlan(cls: Class, scope: Scope, token: Token = cls): ProviderPlan {
  return {
    token,
    scope,
    deps: constructorDeps(cls) as Token[],
    build: (...deps: unknown[]) => new cls(...deps) as unknown,
    label: tokenName(cls),
    cls,
  };
}

export function normaliseProvider(provider: Provider): ProviderPlan {
  if (typeof provider === 'function') return classPlan(provider, injectableScope(provider) ?? 'singleton');
  if ('useValue' in provider) {
    return {
      token: provider.provide,
      scope: 'singleton',
      deps: [],
      build: () => provider.useValue,
      value: { value: provider.useValue },
      label: `provider ${tokenName(provider.provide)}`,
    };
  }
  if ('useClass' in provider) {
    return classPlan(
      provider.useClass,
      provider.scope ?? injectableScope(provider.useClass) ?? 'singleton',
      provider.provide,
    );
  }
  return {
    token: provider.provide,
    scope: provider.scope ?? 'singleton',
    deps: provider.inject ?? [],
    // The container checks the dependencies' tokens, not their types: the factory gets what `inject` names.
    build: provider.useFactory as (...deps: unknown[]) => unknown,
    label: `factory for ${tokenName(provider.provide)}`,
  };
}
