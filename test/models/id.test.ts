import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdGenerator, isValidId } from '../../src/models/index.js';

/** Fn's layout, encoded the slow, obvious way: 48-bit ms time, 48-bit machine, 32-bit counter. */
function reference(ms: number, machine: bigint, counter: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let v = (BigInt(ms) << 80n) | (machine << 32n) | BigInt(counter);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = alphabet[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

describe('ids', () => {
  it('encode time, machine and counter as Fn does, in 26 Crockford base32 characters', () => {
    const gen = new IdGenerator(8080);
    const first = gen.next(1_700_000_000_000);
    assert.ok(isValidId(first));
    assert.equal(parseMachine(first) & 0xffffn, 8080n);
    const second = gen.next(1_700_000_000_000);
    // Same millisecond: the counter decides, so ids still sort in creation order.
    assert.ok(second > first);
    for (const ms of [0, 1, 1_700_000_000_123, 2 ** 47 + 5]) {
      const id = gen.next(ms);
      assert.equal(decode(id) >> 80n, BigInt(ms));
      assert.equal(id, reference(ms, parseMachine(id), parseCounter(id)));
      assert.equal(parseMachine(id), parseMachine(first));
    }
  });

  it('sort by creation time', () => {
    const gen = new IdGenerator(8080);
    const ids = [gen.next(1000), gen.next(2000), gen.next(1_000_000), gen.next(Date.now())];
    assert.deepEqual([...ids].sort(), ids);
  });

  it('refuses ids of the wrong shape', () => {
    assert.equal(isValidId('01ARZ3NDEKTSV4RRFFQ69G5FAV'), true);
    assert.equal(isValidId('01arz3ndektsv4rrffq69g5fav'), false);
    assert.equal(isValidId('01ARZ3NDEKTSV4RRFFQ69G5FA'), false);
    assert.equal(isValidId('é'.repeat(26)), false);
    assert.equal(isValidId(''), false);
  });
});

function decode(id: string): bigint {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let v = 0n;
  for (const c of id) v = (v << 5n) | BigInt(alphabet.indexOf(c));
  return v;
}
function parseCounter(id: string): number {
  return Number(decode(id) & 0xffffffffn);
}
function parseMachine(id: string): bigint {
  return (decode(id) >> 32n) & 0xffffffffffffn;
}
