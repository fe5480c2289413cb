import { isInternalAddress, webhookUrlProblem } from './webhook-target';
import { retryDelaySeconds, standardWebhookHeaders } from './webhooks';
import { Webhook } from 'standardwebhooks';

describe(isInternalAddress.name, () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['203.119.25.1', false],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2400:3200::1', false],
    ['not-an-address', true],
  ])('%s internal: %s', (address, expected) => {
    expect(isInternalAddress(address)).toBe(expected);
  });
});

describe(webhookUrlProblem.name, () => {
  it.each([
    ['https://dispatch.example.com/hook', null],
    ['http://8.8.8.8/hook', null],
    ['http://127.0.0.1:3000/x', /loopback, private/],
    ['http://[::1]/x', /loopback, private/],
    ['http://localhost/x', /this machine/],
    ['http://api.localhost/x', /this machine/],
    ['ftp://example.com/x', /http\(s\)/],
    ['https://u:p@example.com/x', /credentials/],
  ])('%s → %s', (url, expected) => {
    const problem = webhookUrlProblem(url, false);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('should allow internal targets when the operator says so', () => {
    expect(webhookUrlProblem('http://127.0.0.1:3000/x', true)).toBeNull();
  });
});

describe(retryDelaySeconds.name, () => {
  it('should grow exponentially, capped at an hour, jittered between half and the whole', () => {
    expect(retryDelaySeconds(3, () => 0)).toBe(4);
    expect(retryDelaySeconds(3, () => 1)).toBe(8);
    expect(retryDelaySeconds(20, () => 1)).toBe(3600);
    expect(retryDelaySeconds(20, () => 0)).toBe(1800);
    expect(retryDelaySeconds(1, () => 0)).toBe(1);
  });
});

describe(standardWebhookHeaders.name, () => {
  it('should sign so that a Standard Webhooks verifier accepts it, also for a legacy raw secret', () => {
    const body = JSON.stringify({ event: 'opened' });
    const now = new Date();
    const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    expect(new Webhook(secret).verify(body, standardWebhookHeaders(secret, 'msg_1', now, body))).toEqual({
      event: 'opened',
    });
    const legacy = 'an-old-secret-0123456789';
    const headers = standardWebhookHeaders(legacy, 'msg_2', now, body);
    expect(new Webhook(legacy, { format: 'raw' }).verify(body, headers)).toEqual({ event: 'opened' });
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
  });
});
