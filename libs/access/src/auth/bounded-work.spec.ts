import { BoundedWork, WorkBusyError } from './bounded-work';

/** A job that finishes when its `finish` is called. */
function gate(): { job: () => Promise<string>; finish: () => void; started: () => boolean } {
  let release: () => void = () => undefined;
  let began = false;
  const done = new Promise<void>((r) => (release = r));
  return {
    job: async () => {
      began = true;
      await done;
      return 'done';
    },
    finish: () => release(),
    started: () => began,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe(BoundedWork.name, () => {
  it('should run up to the limit at once, queue the next and refuse beyond the queue', async () => {
    const work = new BoundedWork(2, 1);
    const [a, b, c, d] = [gate(), gate(), gate(), gate()];
    const pa = work.run(a.job);
    const pb = work.run(b.job);
    const pc = work.run(c.job);
    await tick();
    expect([a.started(), b.started(), c.started()]).toEqual([true, true, false]);
    expect(work.queued).toBe(1);
    await expect(work.run(d.job)).rejects.toBeInstanceOf(WorkBusyError);
    a.finish();
    await pa;
    await tick();
    expect(c.started()).toBe(true);
    b.finish();
    c.finish();
    await expect(Promise.all([pb, pc])).resolves.toEqual(['done', 'done']);
    expect(work.running).toBe(0);
  });

  it('should give up a wait that lasts too long and free the slot of a failed job', async () => {
    const work = new BoundedWork(1, 5, 20);
    const a = gate();
    const pa = work.run(a.job);
    await expect(work.run(() => Promise.resolve('late'))).rejects.toBeInstanceOf(WorkBusyError);
    expect(work.queued).toBe(0);
    a.finish();
    await pa;
    await expect(work.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(work.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
