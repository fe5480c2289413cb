import { type BallotFlat, tallyVote } from './consent-vote';

const flat = (i: number, areaM2: number, answer: BallotFlat['answer']): BallotFlat => ({
  flatId: `f${i}`,
  areaM2,
  answer,
});

describe('consent vote (double two-thirds participation, double three-quarters agreement)', () => {
  it('should pass at exactly 2/3 participation and exactly 3/4 agreement', () => {
    // 12 flats of 100 m²: 8 take part (exactly 2/3 by area and count), 6 of them agree (exactly 3/4).
    const flats = [
      ...Array.from({ length: 6 }, (_, i) => flat(i, 100, 'agree')),
      flat(6, 100, 'disagree'),
      flat(7, 100, 'abstain'),
      ...Array.from({ length: 4 }, (_, i) => flat(8 + i, 100, null)),
    ];
    const r = tallyVote(flats);
    expect(r.passed).toBe(true);
    expect(r.conditions.map((c) => [c.name, c.reached, c.of, c.met])).toEqual([
      ['participation_area', 800, 1200, true],
      ['participation_owners', 8, 12, true],
      ['agreement_area', 600, 800, true],
      ['agreement_owners', 6, 8, true],
    ]);
  });

  it('should fail when one square metre less takes part, naming the condition and the shortfall', () => {
    const flats = [
      ...Array.from({ length: 6 }, (_, i) => flat(i, 100, 'agree')),
      flat(6, 100, 'disagree'),
      flat(7, 99, 'abstain'),
      ...Array.from({ length: 3 }, (_, i) => flat(8 + i, 100, null)),
      flat(11, 101, null),
    ];
    // total area still 1200; participating 799 < 800
    const r = tallyVote(flats);
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual(['participation_area']);
    expect(r.conditions[0]).toMatchObject({ reached: 799, of: 1200, shortBy: 1, unit: 'm2' });
  });

  it('should fail agreement by area when one agreeing square metre is missing', () => {
    const flats = [
      ...Array.from({ length: 5 }, (_, i) => flat(i, 100, 'agree')),
      flat(5, 99, 'agree'),
      flat(6, 101, 'disagree'),
      flat(7, 100, 'abstain'),
      ...Array.from({ length: 4 }, (_, i) => flat(8 + i, 100, null)),
    ];
    const r = tallyVote(flats);
    expect(r.failed).toEqual(['agreement_area']);
    expect(r.conditions[2]).toMatchObject({ reached: 599, of: 800, shortBy: 1 });
  });

  it('should work with areas in hundredths without float error', () => {
    // 3 × 33.33 = 99.99; 2/3 of it is 66.66 exactly
    const r = tallyVote([flat(1, 33.33, 'agree'), flat(2, 33.33, 'agree'), flat(3, 33.33, null)]);
    expect(r.conditions[0]).toMatchObject({ reached: 66.66, of: 99.99, met: true });
  });

  it('should count missing owners by headcount', () => {
    const r = tallyVote([flat(1, 300, 'agree'), flat(2, 10, null), flat(3, 10, null)]);
    expect(r.failed).toEqual(['participation_owners']);
    expect(r.conditions[1]).toMatchObject({ reached: 1, of: 3, shortBy: 1, unit: 'owners' });
  });

  it('should not pass an empty vote', () => {
    expect(tallyVote([]).passed).toBe(false);
  });
});
