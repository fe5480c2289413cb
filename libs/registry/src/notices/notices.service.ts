import { Injectable } from '@nestjs/common';
import { type NotificationView } from './notification.dto';
import { type Db } from '@liftwatch/database';
import { type Draft, NotificationRepository } from './notification.repository';

type Listener = (n: NotificationView[]) => void;

/** In-process fan-out of new notifications to the socket.io gateway. */
@Injectable()
export class NotificationBus {
  private readonly listeners = new Set<Listener>();

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  publish(n: NotificationView[]): void {
    if (n.length === 0) return;
    for (const l of this.listeners) l(n);
  }
}

/**
 * Sends notices: stores each draft once (its dedupe key per recipient), queues the recipient
 * organisation's webhooks in the same statement, then pushes the new ones live. Owners read theirs
 * from `GET /notifications` (their units) and the live namespace; firms get webhooks too.
 */
@Injectable()
export class Notices {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly bus: NotificationBus,
  ) {}

  async send(drafts: readonly Draft[]): Promise<NotificationView[]> {
    const created = await this.repo.insertNew(drafts);
    this.bus.publish(created);
    return created;
  }

  /**
   * Stores notices inside the caller's transaction, so they exist exactly when what they tell of
   * does; call `publish` with the result once the transaction has committed.
   */
  store(tx: Db, drafts: readonly Draft[]): Promise<NotificationView[]> {
    return this.repo.insertNew(drafts, tx);
  }

  publish(created: NotificationView[]): void {
    this.bus.publish(created);
  }

  /** The unit whose owners hear about an elevator. */
  unitOfElevator(elevatorId: string, db?: Db): Promise<string | null> {
    return this.repo.unitOfElevator(elevatorId, db);
  }
}
