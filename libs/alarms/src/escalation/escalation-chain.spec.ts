import { type ChainContact, deliveriesOf, dueSteps, escalationChain } from './escalation-chain';

const contact = (over: Partial<ChainContact> & Pick<ChainContact, 'id' | 'level'>): ChainContact => ({
  position: 1,
  name: over.id,
  phone: '13800000000',
  webhookUrl: null,
  regionDepth: null,
  ...over,
});

describe(escalationChain.name, () => {
  it('should go through the on-call list in order, then the managers together, then the nearest duty line', () => {
    const steps = escalationChain([
      contact({ id: 'duty-province', level: 'duty_line', regionDepth: 2 }),
      contact({ id: 'oncall-2', level: 'on_call', position: 2 }),
      contact({ id: 'manager-b', level: 'manager', position: 2 }),
      contact({ id: 'duty-city', level: 'duty_line', regionDepth: 1 }),
      contact({ id: 'oncall-1', level: 'on_call', position: 1 }),
      contact({ id: 'manager-a', level: 'manager', position: 1 }),
    ]);
    expect(steps.map((s) => [s.level, s.contacts.map((c) => c.id)])).toEqual([
      ['on_call', ['oncall-1']],
      ['on_call', ['oncall-2']],
      ['manager', ['manager-a', 'manager-b']],
      ['duty_line', ['duty-city']],
    ]);
  });

  it('should go straight to the duty line for a firm without contacts, and be empty without any', () => {
    expect(
      escalationChain([contact({ id: 'duty', level: 'duty_line', regionDepth: 0 })]).map((s) => s.level),
    ).toEqual(['duty_line']);
    expect(escalationChain([])).toEqual([]);
  });
});

describe(dueSteps.name, () => {
  it.each([
    [0, 0],
    [119_999, 0],
    [120_000, 1],
    [250_000, 2],
    [-5, 0],
  ])('after %i ms with a 120 s period: %i steps', (elapsed, steps) => {
    expect(dueSteps(elapsed, 120)).toBe(steps);
  });
});

describe(deliveriesOf.name, () => {
  it('should send one message per channel a contact has', () => {
    const d = deliveriesOf({
      level: 'manager',
      contacts: [
        contact({ id: 'a', level: 'manager', phone: '13900000000', webhookUrl: 'https://hook.example/a' }),
        contact({ id: 'b', level: 'manager', phone: null, webhookUrl: 'https://hook.example/b' }),
      ],
    });
    expect(d.map((x) => [x.contact.id, x.channel, x.recipient])).toEqual([
      ['a', 'sms', '13900000000'],
      ['a', 'webhook', 'https://hook.example/a'],
      ['b', 'webhook', 'https://hook.example/b'],
    ]);
  });
});
