import {
  hashDeviceSecret,
  hashPassword,
  newDeviceSecret,
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
