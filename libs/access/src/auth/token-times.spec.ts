import { tokenTimesValid } from './auth.service';

const NOW = 1_796_000_000;
const DAY = 86_400;

describe(tokenTimesValid.name, () => {
  it.each([
    ['a token issued now for 12 h', NOW, NOW + DAY / 2, true],
    ['issued a few seconds ahead (another replica’s clock)', NOW + 30, NOW + DAY, true],
    ['issued 400 days ahead with an expiry a day later', NOW + 400 * DAY, NOW + 401 * DAY, false],
    ['issued 2 minutes ahead', NOW + 120, NOW + DAY, false],
    ['a lifetime over 30 days', NOW, NOW + 31 * DAY, false],
    ['issued 31 days ago (older than the cap when checked)', NOW - 31 * DAY, NOW + DAY, false],
    ['without iat', undefined, NOW + DAY, false],
    ['a non-finite expiry', NOW, Number.POSITIVE_INFINITY, false],
  ])('%s → %s', (_name, iat, exp, ok) => {
    expect(tokenTimesValid(iat, exp, NOW)).toBe(ok);
  });
});
