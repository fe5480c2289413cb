import { checkTransition, stageAges } from './claim-workflow';

describe('claim workflow', () => {
  it('should walk the happy path', () => {
    const path: Array<
      [Parameters<typeof checkTransition>[0], Parameters<typeof checkTransition>[1], string]
    > = [
      ['reported', 'survey', 'surveying'],
      ['surveying', 'request_documents', 'documents_requested'],
      ['documents_requested', 'receive_documents', 'documents_received'],
      ['documents_received', 'decide_liability', 'liability_decided'],
      ['liability_decided', 'assess', 'assessed'],
      ['assessed', 'pay', 'paid'],
      ['paid', 'close', 'closed'],
    ];
    for (const [from, action, to] of path)
      expect(checkTransition(from, action, 'insurer')).toEqual({ ok: true, to });
  });

  it('should let the claimant hand in documents but not decide anything', () => {
    expect(checkTransition('documents_requested', 'receive_documents', 'claimant')).toEqual({
      ok: true,
      to: 'documents_received',
    });
    expect(checkTransition('surveying', 'decide_liability', 'claimant')).toMatchObject({
      ok: false,
      reason: 'wrong_party',
    });
    expect(checkTransition('reported', 'survey', null)).toMatchObject({ ok: false, reason: 'wrong_party' });
  });

  it('should refuse steps out of order and rejection after assessment', () => {
    expect(checkTransition('reported', 'pay', 'insurer')).toMatchObject({
      ok: false,
      reason: 'wrong_status',
    });
    expect(checkTransition('assessed', 'reject', 'insurer')).toMatchObject({
      ok: false,
      reason: 'wrong_status',
    });
    expect(checkTransition('liability_decided', 'reject', 'insurer')).toEqual({ ok: true, to: 'rejected' });
  });

  it('should age each stage against its SLA', () => {
    const t0 = new Date('2026-11-01T00:00:00Z');
    const ages = stageAges(
      [
        { at: t0, toStatus: 'reported' },
        { at: new Date(t0.getTime() + 30 * 3_600_000), toStatus: 'surveying' },
      ],
      new Date(t0.getTime() + 40 * 3_600_000),
    );
    expect(ages).toEqual([
      expect.objectContaining({ status: 'reported', hours: 30, slaHours: 24, overdue: true }),
      expect.objectContaining({ status: 'surveying', hours: 10, slaHours: 72, overdue: false, leftAt: null }),
    ]);
  });
});
