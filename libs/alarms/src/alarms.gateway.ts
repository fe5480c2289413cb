import { type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type Namespace } from 'socket.io';
import { AlarmBus } from './alarm-view';

/**
 * Pushes alarm changes on the live namespace: a socket that joined an elevator (directly, through
 * its unit, or with `all`) gets `alarm` events for it. Joining and its access checks are the live
 * gateway's (telemetry), so alarms reach exactly who may see the elevator.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class AlarmsGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() private server!: Namespace;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: AlarmBus) {}

  afterInit(): void {
    this.unsubscribe = this.bus.subscribe((alarms) => {
      for (const a of alarms) this.server.to(`elevator:${a.elevatorId}`).emit('alarm', a);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
