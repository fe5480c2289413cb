import {
  hashDeviceSecret,
  hashPassword,
  needsRehash,
  newDeviceSecret,
  OWASP_SCRYPT,
  verifyDeviceSecret,
  verifyPassword,
} from './password.util';

describe('password hashing', () => {
  it('should verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored.startsWith('scrypt$')).toBe(true);
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterz', stored)).resolves.toBe(false);
  });

  it('should salt each hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('should refuse a malformed stored hash', async () => {
    await expect(verifyPassword('x', 'md5$abc')).resolves.toBe(false);
  });

  it('should hash with the OWASP scrypt parameters by default', async () => {
    expect(OWASP_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    const stored = await hashPassword('correct horse battery');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    expect(needsRehash(stored)).toBe(false);
  });

  it.each([
    ['a hash made with the old N=2^14', 'scrypt$16384$8$1$AAAA$AAAA', true],
    ['a hash at the current cost', 'scrypt$131072$8$1$AAAA$AAAA', false],
    ['an equal-cost OWASP alternative (N=2^16, p=2)', 'scrypt$65536$8$2$AAAA$AAAA', false],
    ['a smaller block size', 'scrypt$131072$4$1$AAAA$AAAA', true],
    ['something that is not scrypt', 'md5$abc', true],
  ])('should say whether %s needs rehashing', (_name, stored, expected) => {
    expect(needsRehash(stored)).toBe(expected);
  });

  it('should still verify an old, cheaper hash (so it can be upgraded at login)', async () => {
    const old = await hashPassword('pw-123456', { N: 16384, r: 8, p: 1 });
    await expect(verifyPassword('pw-123456', old)).resolves.toBe(true);
  });

  it('should refuse a stored hash whose cost would exhaust memory', async () => {
    await expect(verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).resolves.toBe(false);
  });
});

describe('device secrets', () => {
  it('should be long, random and verifiable only with the same secret', () => {
    const s1 = newDeviceSecret();
    const s2 = newDeviceSecret();
    expect(s1).not.toBe(s2);
    expect(s1.length).toBeGreaterThanOrEqual(43);
    const stored = hashDeviceSecret(s1);
    expect(stored).not.toContain(s1);
    expect(verifyDeviceSecret(s1, stored)).toBe(true);
    expect(verifyDeviceSecret(s2, stored)).toBe(false);
  });
});
