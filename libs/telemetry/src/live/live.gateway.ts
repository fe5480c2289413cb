import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { type Namespace, type Socket } from 'socket.io';
import { AuthService, type Principal } from '@liftwatch/access';
import { ElevatorsService, VisibilityRepository } from '@liftwatch/registry';
import { TelemetryReadRepository } from '../history/telemetry-read.repository';
import { LiveState, LiveStateBus, LiveStateChanges } from './live-state';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface JoinRequest {
  elevatorId?: string;
  unitId?: string;
  all?: boolean;
  /**
   * true: changes arrive as `states` events carrying arrays (one per ingest commit, a few dozen a
   * second at most) instead of one `state` event per change. For screens that watch thousands of
   * elevators: 2 000 changes a second become ~20 websocket frames, not 2 000.
   */
  batch?: boolean;
}

export type JoinAck =
  | { ok: true; elevatorIds: string[]; snapshot: LiveState[] }
  | {
      ok: false;
      error: { code: string; message: string; fields?: Array<{ field: string; messages: string[] }> };
    };

const room = (elevatorId: string): string => `elevator:${elevatorId}`;
/** Server-side event carrying live states from one api replica to the others. */
const SHARED_STATES = 'liftwatch:states';
/** Sockets that take their changes in `states` arrays. */
const BATCH_ROOM = 'delivery:batch';

/**
 * Live elevator status over socket.io, namespace `/live`.
 *
 * Connect with `auth: { token }` (the REST access token); without a valid one the connection is
 * refused with a `connect_error` whose `data.code` is UNAUTHENTICATED. Then emit `join` with one of
 * `{ elevatorId }`, `{ unitId }` or `{ all: true }`; the acknowledgement carries the snapshot of
 * every elevator joined, and `state` events follow for each change (with `batch: true` in the join,
 * `states` events carrying arrays instead). Joining checks the same
 * visibility as REST: an elevator or unit outside the caller's scope answers NOT_FOUND.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private server!: Namespace;
  private unsubscribe: (() => void) | null = null;
  /** What each elevator's room was last sent: a heartbeat that changes nothing else sends nothing. */
  private readonly sent = new LiveStateChanges();
  /** other api replicas share this namespace (the Redis adapter is installed) */
  private readonly shared: boolean;

  constructor(
    private readonly auth: AuthService,
    private readonly bus: LiveStateBus,
    private readonly elevators: ElevatorsService,
    private readonly visibility: VisibilityRepository,
    private readonly read: TelemetryReadRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.shared = config.redis.url !== undefined;
  }

  afterInit(): void {
    // Authenticate in the handshake (middleware), so no event is handled before the principal is known.
    this.server.use((socket, next) => {
      void this.authenticate(socket).then((ok) => {
        if (ok) return next();
        const err = new Error('a valid access token is required') as Error & { data?: unknown };
        err.data = { code: 'UNAUTHENTICATED' };
        next(err);
      });
    });
    this.unsubscribe = this.bus.subscribe((states, relayed) => {
      this.deliver(states);
      // Known here alone (this process's own ingest or jobs): the other api replicas deliver
      // them to their sockets too. A server-side emit goes through the socket.io adapter: with
      // the Redis adapter to every replica, with the default in-memory one nowhere.
      if (!relayed && this.shared) this.server.serverSideEmit(SHARED_STATES, states);
    });
    this.server.on(SHARED_STATES, (states: LiveState[]) => this.deliver(states));
  }

  /**
   * One `state` per change to the elevator's room; batched sockets get one `states` array instead.
   * This replica's sockets only: every replica delivers what it learns to its own.
   */
  private deliver(states: readonly LiveState[]): void {
    const rooms = this.server.adapter.rooms;
    const batched = rooms.get(BATCH_ROOM);
    const perSocket = new Map<string, LiveState[]>();
    for (const s of states) {
      if (!this.sent.changed(s)) continue;
      const members = rooms.get(room(s.elevatorId));
      if (!members) continue; // nobody here watches this elevator
      // Encoded only when some socket takes it one by one (encoding is most of an emit's cost).
      let single = !batched;
      if (batched) for (const id of members) if (!batched.has(id)) single = true;
      if (single) this.server.local.to(room(s.elevatorId)).except(BATCH_ROOM).emit('state', s);
      if (!batched || batched.size === 0) continue;
      for (const id of members) {
        if (!batched.has(id)) continue;
        const list = perSocket.get(id);
        if (list) list.push(s);
        else perSocket.set(id, [s]);
      }
    }
    for (const [id, list] of perSocket) this.server.sockets.get(id)?.emit('states', list);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  handleConnection(socket: Socket): void {
    this.logger.debug(
      `socket ${socket.id} connected as ${(socket.data as { principal?: Principal }).principal?.username}`,
    );
  }

  private async authenticate(socket: Socket): Promise<boolean> {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const header = socket.handshake.headers.authorization;
    const token =
      typeof auth?.token === 'string'
        ? auth.token
        : typeof header === 'string'
          ? header.replace(/^Bearer\s+/i, '')
          : '';
    try {
      (socket.data as { principal?: Principal }).principal = await this.auth.principalFromToken(token);
      return true;
    } catch {
      return false;
    }
  }

  @SubscribeMessage('join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: JoinRequest | undefined,
  ): Promise<JoinAck> {
    const p = (socket.data as { principal?: Principal }).principal;
    if (!p) return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'not authenticated' } };
    const problem = validateJoin(body);
    if (problem) return problem;
    let ids: string[];
    if (body?.elevatorId) {
      if (!(await this.visibility.canSeeElevator(p, body.elevatorId)))
        return notFound('elevator', body.elevatorId);
      ids = [body.elevatorId];
    } else if (body?.unitId) {
      if (!(await this.visibility.canSeeUnit(p, body.unitId))) return notFound('unit', body.unitId);
      ids = await this.elevators.visibleIds(p, body.unitId);
    } else {
      ids = await this.elevators.visibleIds(p);
    }
    await socket.join(ids.map(room));
    if (body?.batch) await socket.join(BATCH_ROOM);
    else await socket.leave(BATCH_ROOM);
    const snapshot = this.bus.enrich((await this.read.liveStates(ids)).map((r) => LiveState.of(r)));
    this.logger.debug(`${p.username} joined ${ids.length} elevator(s)`);
    return { ok: true, elevatorIds: ids, snapshot };
  }

  @SubscribeMessage('leave')
  async leave(@ConnectedSocket() socket: Socket): Promise<{ ok: true }> {
    for (const r of socket.rooms) if (r.startsWith('elevator:') || r === BATCH_ROOM) await socket.leave(r);
    return { ok: true };
  }
}

function notFound(what: string, id: string): JoinAck {
  return {
    ok: false,
    error: { code: `${what.toUpperCase()}_NOT_FOUND`, message: `${what} ${id} not found` },
  };
}

function validateJoin(body: JoinRequest | undefined): JoinAck | null {
  const invalid = (field: string, message: string): JoinAck => ({
    ok: false,
    error: {
      code: 'VALIDATION_FAILED',
      message: `${field}: ${message}`,
      fields: [{ field, messages: [message] }],
    },
  });
  if (!body || typeof body !== 'object')
    return invalid('body', 'send { elevatorId } or { unitId } or { all: true }');
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => !['elevatorId', 'unitId', 'all', 'batch'].includes(k));
  if (unknown.length > 0) return invalid(unknown[0] ?? '', `property ${unknown[0]} should not exist`);
  const given = [body.elevatorId !== undefined, body.unitId !== undefined, body.all !== undefined].filter(
    Boolean,
  ).length;
  if (given !== 1) return invalid('body', 'give exactly one of elevatorId, unitId, all');
  if (body.elevatorId !== undefined && (typeof body.elevatorId !== 'string' || !UUID.test(body.elevatorId))) {
    return invalid('elevatorId', 'elevatorId must be a UUID');
  }
  if (body.unitId !== undefined && (typeof body.unitId !== 'string' || !UUID.test(body.unitId))) {
    return invalid('unitId', 'unitId must be a UUID');
  }
  if (body.all !== undefined && body.all !== true) return invalid('all', 'all must be true');
  if (body.batch !== undefined && typeof body.batch !== 'boolean')
    return invalid('batch', 'batch must be a boolean');
  return null;
}
