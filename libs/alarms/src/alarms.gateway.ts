import { Logger, type OnModuleDestroy } from '@nestjs/common';
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
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class AlarmsGateway implements OnGatewayInit, OnModuleDestroy {
  private readonly logger = new Logger(AlarmsGateway.name);
  @WebSocketServer() private server!: Namespace;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: AlarmBus,
    private readonly reads: AlarmReadRepository,
  ) {}

  afterInit(): void {
    this.unsubscribe = this.bus.subscribe((alarms, relayed) => void this.push(alarms, relayed));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Relayed alarms reached every replica already: each pushes to its own sockets only. */
  private async push(alarms: AlarmView[], relayed: boolean): Promise<void> {
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
      (relayed ? this.server.local : this.server).to(`elevator:${a.elevatorId}`).emit('alarm', full);
    }
  }
}
