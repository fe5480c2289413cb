import { entrapmentClosure } from './entrapment-closure';

describe(entrapmentClosure.name, () => {
  const trapped = { carStillReports: true, releasedByDevice: false } as const;
  const released = { carStillReports: false, releasedByDevice: true } as const;
  const unknown = { carStillReports: false, releasedByDevice: false } as const;

  it('should refuse to resolve while the car still reports a passenger aboard, naming the reason', () => {
    const v = entrapmentClosure({ action: 'resolve', ...trapped });
    expect(v).toMatchObject({ ok: false, code: 'STILL_TRAPPED', field: 'releaseMethod' });
    expect(v.ok === false && v.message).toMatch(/still reports a passenger/);
  });

  it('should refuse a stated way out without a note while the car still reports a passenger', () => {
    expect(entrapmentClosure({ action: 'resolve', ...trapped, releaseMethod: 'technician' })).toMatchObject({
      ok: false,
      code: 'NOTE_REQUIRED',
      field: 'note',
    });
    expect(
      entrapmentClosure({ action: 'resolve', ...trapped, releaseMethod: 'technician', note: '  ok ' }),
    ).toMatchObject({ ok: false, code: 'NOTE_REQUIRED' });
  });

  it('should accept a stated way out with a note, marked as overriding the car', () => {
    expect(
      entrapmentClosure({
        action: 'resolve',
        ...trapped,
        releaseMethod: 'firefighters',
        note: '消防破门救出，轿厢传感器故障',
      }),
    ).toEqual({ ok: true, releaseMethod: 'firefighters', overridesCar: true });
  });

  it('should need the way out when the car showed no release, but no note', () => {
    expect(entrapmentClosure({ action: 'resolve', ...unknown })).toMatchObject({
      ok: false,
      code: 'RELEASE_METHOD_REQUIRED',
    });
    expect(entrapmentClosure({ action: 'resolve', ...unknown, releaseMethod: 'self_released' })).toEqual({
      ok: true,
      releaseMethod: 'self_released',
      overridesCar: false,
    });
  });

  it('should close without a stated way out once the car’s data showed the release', () => {
    expect(entrapmentClosure({ action: 'resolve', ...released })).toEqual({
      ok: true,
      releaseMethod: null,
      overridesCar: false,
    });
    expect(entrapmentClosure({ action: 'resolve', ...released, releaseMethod: 'technician' })).toEqual({
      ok: true,
      releaseMethod: 'technician',
      overridesCar: false,
    });
  });

  it('should close a false alarm as a false report, and refuse another way out with it', () => {
    expect(entrapmentClosure({ action: 'false-alarm', ...unknown })).toEqual({
      ok: true,
      releaseMethod: 'false_report',
      overridesCar: false,
    });
    expect(
      entrapmentClosure({ action: 'false-alarm', ...unknown, releaseMethod: 'technician' }),
    ).toMatchObject({ ok: false, code: 'RELEASE_METHOD_CONFLICT' });
  });

  it('should refuse a false alarm while the car still reports a passenger unless stated with a note', () => {
    expect(entrapmentClosure({ action: 'false-alarm', ...trapped })).toMatchObject({
      ok: false,
      code: 'STILL_TRAPPED',
    });
    expect(
      entrapmentClosure({
        action: 'false-alarm',
        ...trapped,
        releaseMethod: 'false_report',
        note: '到场确认轿厢无人，称重传感器误报',
      }),
    ).toEqual({ ok: true, releaseMethod: 'false_report', overridesCar: true });
  });
});
