/**
 * Compiles one controller method into a CompiledView at start-up: the controller instance
 * (or, for request-scoped controllers, its per-request builder) plus the argument invoker,
 * and the wrappers parts of Rondo put around the call (views/view-wrappers.ts), listed on
 * the view so that `rondo routes --explain` shows them.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { AppContainer } from '../di/container-builder';
import { RequestScope } from '../di/request-scope';
import type { HttpRequest } from '../http/request';
import type { ViewInfo } from '../middleware/middleware-decorator';
import { loadsBodyFirst } from '../views/argument-resolvers';
import { compileInvoker } from './view-invoker';
import { acceptedMediaCheck } from '../views/accepted-media';
import { viewOptions } from '../views/view-options';
import type { ViewCall, WrappableView } from '../views/view-wrappers';

export interface CompiledView extends WrappableView {
  info: ViewInfo;
  /** True when the kernel loads a declared body before the call (see `loadsBodyFirst`). */
  readsBody: boolean;
  /** Refuses a body of a media type the view does not accept (415); undefined = any. */
  checkBody?: (request: HttpRequest) => void;
  /** Builds (if request-scoped) the controller and calls the view, inside its wrappers (see wrapView). */
  call: ViewCall;
}

export interface ViewSpec {
  controller: Function;
  methodName: string;
  name: string | undefined;
  route: string;
  methods: readonly string[];
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function compileView(spec: ViewSpec, container: AppContainer): CompiledView {
  const source = `${spec.controller.name}.${spec.methodName}`;
  const invoke = compileInvoker(spec.controller, spec.methodName, source);
  const info: ViewInfo = {
    source,
    controller: spec.controller,
    methodName: spec.methodName,
    name: spec.name,
    route: spec.route,
    options: viewOptions(spec.controller, spec.methodName),
  };
  // A GET page never reads a body a client attached: it answers as if there were none.
  const readsBody = spec.methods.some((m) => BODY_METHODS.has(m)) && loadsBodyFirst(spec.controller, spec.methodName);
  const checkBody = acceptedMediaCheck(info.options, source);
  if (container.scope(spec.controller as never) === 'request') {
    const build = container.requestFactory<object>(spec.controller as never);
    return {
      info,
      readsBody,
      checkBody,
      call: (request, params) => invoke(build(new RequestScope(request)), request, params),
      wrappers: [],
    };
  }
  const instance = instantiate(spec.controller, container);
  return { info, readsBody, checkBody, call: (request, params) => invoke(instance, request, params), wrappers: [] };
}

/** Resolves a singleton at start-up, so a throwing constructor fails createApp, not a request. */
export function instantiate(cls: Function, container: AppContainer): object {
  try {
    return container.get<object>(cls as never);
  } catch (error) {
    if (error instanceof ImproperlyConfigured) throw error;
    throw new ImproperlyConfigured(
      'DI_CONSTRUCTION_FAILED',
      `${cls.name} could not be constructed at start-up: ${(error as Error).message}`,
    );
  }
}
