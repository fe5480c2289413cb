import { Injectable, Logger, type OnApplicationBootstrap, RequestMethod, SetMetadata } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DomainError } from '@liftwatch/contract';
import { ALLOWED_ROLES } from './auth.decorators';
import { type Principal, type Role } from './principal';

/** Reads one record as `p` would through `GET /{resource}/{id}`; throws NotFound when out of scope. */
export type ScopeProbe = (p: Principal, id: string) => Promise<unknown>;

const SCOPE_PROBE = 'liftwatch:scope-probe';

/**
 * On a `GET /{resource}/:id` handler: how to read that one record as a principal (the service call
 * the handler makes, with its scope rules). The auth guard uses it to answer 404 rather than 403
 * to a refused role for a record outside its scope.
 */
export const ReadsOne = <C>(
  probe: (controller: C, p: Principal, id: string) => Promise<unknown>,
): MethodDecorator => SetMetadata(SCOPE_PROBE, probe);

/** The record a request names: its resource (`alarms`, `maintenance/records`) and id. */
export interface RouteTarget {
  resource: string;
  param: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/api/v1/maintenance/records/:id/countersign` → maintenance/records, id. */
export function routeTarget(
  routePath: string,
  params: Record<string, string | undefined>,
): RouteTarget | null {
  const segments = routePath.split('/').filter(Boolean);
  const at = segments.findIndex((s) => s.startsWith(':'));
  if (at < 1) return null;
  const param = segments[at]?.slice(1) ?? '';
  const id = params[param];
  if (id === undefined) return null;
  const resource = segments
    .slice(0, at)
    .filter((s, i) => !(i === 0 && s === 'api') && !(i === 1 && /^v\d+$/.test(s)))
    .join('/');
  return resource ? { resource, param, id } : null;
}

const joinPath = (...parts: Array<string | string[] | undefined>): string =>
  parts
    .flatMap((p) => (Array.isArray(p) ? (p[0] ?? '') : (p ?? '')))
    .join('/')
    .split('/')
    .filter(Boolean)
    .join('/');

/**
 * Whether a record is inside a principal's scope, for the one moment the role check would answer
 * first: a route whose roles exclude the caller. Without this, 403 for a record that exists and 404
 * for one that does not would tell anyone which ids exist. With it, the rule of docs/api.md holds
 * for every method: an id outside your scope is 404; 403 only for a record you can read but may
 * not change this way.
 *
 * A record is in scope when the principal may read it through `GET /{resource}/{id}`: the roles
 * of that route (found by scanning the controllers at start-up) and the module's probe (its
 * service's read, with the scope rules it applies anyway). A resource without such a route, or
 * without a probe, is out of scope for every refused caller.
 */
@Injectable()
export class ScopeProbes implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScopeProbes.name);
  private readonly probes = new Map<string, ScopeProbe>();
  /** Resource → roles of its `GET /{resource}/:id` (null: any signed-in role). */
  private readonly readers = new Map<string, Role[] | null>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  register(resource: string, probe: ScopeProbe): void {
    this.probes.set(resource, probe);
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!instance || !metatype) continue;
      const base = this.reflector.get<string | string[] | undefined>(PATH_METADATA, metatype);
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as (...args: unknown[]) => unknown;
        if (this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler) !== RequestMethod.GET)
          continue;
        const path = joinPath(
          base,
          this.reflector.get<string | string[] | undefined>(PATH_METADATA, handler),
        );
        const m = /^(.+)\/:[A-Za-z]+$/.exec(path);
        if (!m?.[1] || m[1].includes(':')) continue;
        const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, [
          handler,
          metatype,
        ]);
        this.readers.set(m[1], roles ?? null);
        const read = this.reflector.get<
          ((c: unknown, p: Principal, id: string) => Promise<unknown>) | undefined
        >(SCOPE_PROBE, handler);
        if (read) this.register(m[1], (p, id) => read(instance, p, id));
      }
    }
    for (const resource of this.readers.keys()) {
      if (!this.probes.has(resource) && resource !== 'public/elevators') {
        this.logger.warn(`no scope probe for ${resource}: refused callers get 404 for all its ids`);
      }
    }
  }

  /** Resources with a read route and their probe registered (for the docs and tests). */
  get probed(): string[] {
    return [...this.readers.keys()].filter((r) => this.probes.has(r)).sort();
  }

  async visible(p: Principal, t: RouteTarget): Promise<boolean> {
    if (!this.readers.has(t.resource)) return false;
    const roles = this.readers.get(t.resource);
    if (roles && !roles.includes(p.role)) return false;
    const probe = this.probes.get(t.resource);
    if (!probe) return false;
    if (t.param === 'id' && !UUID.test(t.id)) return false;
    try {
      await probe(p, t.id);
      return true;
    } catch (err) {
      if (err instanceof DomainError && ['not_found', 'forbidden', 'invalid'].includes(err.kind))
        return false;
      throw err;
    }
  }
}
