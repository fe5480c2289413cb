import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

export interface DeviceChange {
  kind: 'created' | 'secret_rotated' | 'revoked';
  deviceId: string;
  serial: string;
}

/**
 * Committed changes to devices, for whoever holds device state in memory (the broker's device
 * directory and live connections). In process; the registry does not know who listens.
 */
@Injectable()
export class DeviceChanges {
  private readonly emitter = new EventEmitter();

  emit(change: DeviceChange): void {
    this.emitter.emit('change', change);
  }

  subscribe(listener: (change: DeviceChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
