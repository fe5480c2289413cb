import { type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type Namespace } from 'socket.io';
import { NotificationBus } from '@liftwatch/registry';

/**
 * Pushes reminders on the live namespace as `notification` events to the sockets that joined the
 * elevator (joining checks visibility), next to its `state` and `alarm` events.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class NotificationsGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() private server!: Namespace;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: NotificationBus) {}

  afterInit(): void {
    this.unsubscribe = this.bus.subscribe((notifications) => {
      for (const n of notifications) {
        if (n.elevatorId) this.server.to(`elevator:${n.elevatorId}`).emit('notification', n);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
