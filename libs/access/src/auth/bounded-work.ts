/** Thrown when the work is refused: every slot busy and the waiting line full, or the wait too long. */
export class WorkBusyError extends Error {
  constructor() {
    super('busy');
  }
}

/**
 * At most `concurrency` jobs at once, at most `queue` waiting for a turn (each for at most
 * `maxWaitMs`); anything beyond is refused at once. Password checks run through it, so a flood of
 * logins costs a bounded amount of CPU and memory and the rest of the platform keeps its share.
 */
export class BoundedWork {
  private active = 0;
  private readonly waiting: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    private readonly maxWaitMs = 5_000,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.turn();
    try {
      return await job();
    } finally {
      this.active -= 1;
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.start();
      }
    }
  }

  private turn(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.queue) return Promise.reject(new WorkBusyError());
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          this.active += 1;
          resolve();
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new WorkBusyError());
        }, this.maxWaitMs),
      };
      entry.timer.unref();
      this.waiting.push(entry);
    });
  }
}
