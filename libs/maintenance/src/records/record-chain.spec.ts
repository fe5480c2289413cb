import { canonicalJson, chainHash, type ChainedRecord, verifyChain } from './record-chain';

function build(contents: Array<Record<string, unknown>>): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let prev: string | null = null;
  contents.forEach((content, i) => {
    const hash = chainHash(prev, content);
    out.push({ id: `r${i + 1}`, seq: i + 1, prevHash: prev, hash, content });
    prev = hash;
  });
  return out;
}

describe('maintenance record hash chain', () => {
  it('should hash the same content the same regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(chainHash(null, { a: 1, b: 2 })).toBe(chainHash(null, { b: 2, a: 1 }));
    expect(chainHash('x', { a: 1 })).not.toBe(chainHash('y', { a: 1 }));
  });

  it('should verify an untouched chain', () => {
    const chain = build([{ items: ['A01'] }, { items: ['A02'] }, { items: ['A03'] }]);
    expect(verifyChain(chain)).toEqual({ valid: true, records: 3, problems: [] });
  });

  it('should name the record whose content was changed', () => {
    const chain = build([{ items: ['A01'] }, { items: ['A02'] }, { items: ['A03'] }]);
    chain[1].content = { items: ['A02', 'A99'] };
    expect(verifyChain(chain).problems).toEqual([{ recordId: 'r2', seq: 2, problem: 'content_changed' }]);
  });

  it('should notice a deleted record as a gap and a broken link', () => {
    const chain = build([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const result = verifyChain([chain[0], chain[2]]);
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => p.problem).sort()).toEqual(['link_broken', 'sequence_gap']);
  });

  it('should notice a record re-hashed after a change by its broken link to the next one', () => {
    const chain = build([{ n: 1 }, { n: 2 }, { n: 3 }]);
    chain[1].content = { n: 22 };
    chain[1].hash = chainHash(chain[1].prevHash, chain[1].content);
    expect(verifyChain(chain).problems).toEqual([{ recordId: 'r3', seq: 3, problem: 'link_broken' }]);
  });
});
