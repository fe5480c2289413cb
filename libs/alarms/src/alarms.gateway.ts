import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@liftwatch/config';
import { type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type Namespace } from 'socket.io';
import { AlarmReadRepository } from './alarm-read.repository';
import { AlarmBus, type AlarmView } from './alarm-view';

/**
 * Pushes alarm changes on the live namespace: a socket that joined an elevator (directly, through
 * its unit, or with `all`) gets `alarm` events for it, with the elevator's registration code and
 * place filled in (a dispatcher's popup names where the people are trapped). Joining and its
 * access checks are the live gateway's (telemetry), so alarms reach exactly who may see the elevator.
 */
/** Server-side event carrying alarm changes from one api replica to the others. */
const SHARED_ALARMS = 'liftwatch:alarms';

@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class AlarmsGateway implements OnGatewayInit, OnModuleDestroy {
  private readonly logger = new Logger(AlarmsGateway.name);
  @WebSocketServer() private server!: Namespace;
  private unsubscribe: (() => void) | null = null;

  /** other api replicas share this namespace (the Redis adapter is installed) */
  private readonly shared: boolean;

  constructor(
    private readonly bus: AlarmBus,
    private readonly reads: AlarmReadRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.shared = config.redis.url !== undefined;
  }

  afterInit(): void {
    this.unsubscribe = this.bus.subscribe((alarms, relayed) => {
      void this.push(alarms);
      // Known here alone (a dispatcher's step through this replica, its sweeper's escalation):
      // the other replicas put it on their own alarm bus — their sockets get it, and so does
      // what else listens there (the fleet status each replica keeps per elevator).
      if (!relayed && this.shared) this.server.serverSideEmit(SHARED_ALARMS, alarms);
    });
    this.server.on(SHARED_ALARMS, (alarms: AlarmView[]) => this.bus.publish(alarms, true));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** To this replica's sockets: every replica pushes what its bus carries to its own. */
  private async push(alarms: AlarmView[]): Promise<void> {
    const missing = [...new Set(alarms.filter((a) => a.place === null).map((a) => a.elevatorId))];
    let places = new Map<string, { registration_code: string; place: string }>();
    if (missing.length > 0) {
      try {
        places = await this.reads.places(missing);
      } catch (err) {
        this.logger.warn(`alarm places: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const a of alarms) {
      const p = places.get(a.elevatorId);
      const full = p ? { ...a, registrationCode: p.registration_code, place: p.place } : a;
      this.server.local.to(`elevator:${a.elevatorId}`).emit('alarm', full);
    }
  }
}
