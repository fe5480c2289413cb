import { createHash } from 'node:crypto';
import { canonicalJson } from '@liftwatch/contract';

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export { canonicalJson };

/** hash = sha256(previous hash + "\n" + canonical content), hex. The first record has no previous. */
export function chainHash(prevHash: string | null, content: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${prevHash ?? ''}\n${canonicalJson(content)}`)
    .digest('hex');
}

export interface ChainedRecord {
  id: string;
  seq: number;
  prevHash: string | null;
  hash: string;
  content: Record<string, unknown>;
}

export type ChainProblem = 'content_changed' | 'link_broken' | 'sequence_gap';

export interface ChainVerification {
  valid: boolean;
  records: number;
  problems: Array<{ recordId: string; seq: number; problem: ChainProblem }>;
}

/**
 * Recomputes every hash in sequence order. A record whose stored content no longer produces its
 * stored hash was changed; a record whose `prevHash` is not its predecessor's hash was re-linked,
 * inserted or had its predecessor removed.
 */
export function verifyChain(records: readonly ChainedRecord[]): ChainVerification {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const problems: ChainVerification['problems'] = [];
  let previous: ChainedRecord | null = null;
  for (const r of sorted) {
    const expectedSeq = previous ? previous.seq + 1 : 1;
    if (r.seq !== expectedSeq) problems.push({ recordId: r.id, seq: r.seq, problem: 'sequence_gap' });
    if (r.prevHash !== (previous ? previous.hash : null)) {
      problems.push({ recordId: r.id, seq: r.seq, problem: 'link_broken' });
    }
    if (chainHash(r.prevHash, r.content) !== r.hash) {
      problems.push({ recordId: r.id, seq: r.seq, problem: 'content_changed' });
    }
    previous = r;
  }
  return { valid: problems.length === 0, records: sorted.length, problems };
}
