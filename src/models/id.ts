import { networkInterfaces } from 'node:os';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Fn's ids: 26 characters of Crockford base32 over 128 bits, 48-bit millisecond time,
 * 48-bit machine id (IPv4 << 16 | port) and a 32-bit counter. Sortable by creation time.
 */
export class IdGenerator {
  /** Upper 16 and lower 32 bits of the 48-bit machine id. */
  private readonly machineHi: number;
  private readonly machineLo: number;
  private counter: number;

  constructor(port = 8080) {
    const machine = (ipv4AsBigInt() << 16n) | BigInt(port & 0xffff);
    this.machineHi = Number(machine >> 32n) & 0xffff;
    this.machineLo = Number(machine & 0xffffffffn) >>> 0;
    this.counter = Math.floor(Math.random() * 0xffffffff);
  }

  next(nowMs = Date.now()): string {
    this.counter = (this.counter + 1) >>> 0;
    // 128 bits as four 32-bit words, then 5 bits at a time from the top (26 characters; the first
    // carries 3 bits). Plain numbers: BigInt arithmetic is an order of magnitude slower here.
    const hi = Math.floor(nowMs / 0x10000);
    const words = [hi >>> 0, (((nowMs & 0xffff) << 16) | this.machineHi) >>> 0, this.machineLo, this.counter];
    let out = '';
    for (let bit = 125; bit >= 0; bit -= 5) out += ALPHABET[bitsAt(words, bit)];
    return out;
  }
}

/** The 5 bits of the 128-bit value `words` (big-endian 32-bit words) whose lowest bit is `low`. */
function bitsAt(words: readonly number[], low: number): number {
  const w = low >>> 5;
  const offset = low & 31;
  let v = words[3 - w]! >>> offset;
  // The bits straddle two words (none above bit 127).
  if (offset > 27 && w < 3) v |= words[2 - w]! << (32 - offset);
  return v & 31;
}

function ipv4AsBigInt(): bigint {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) {
        return a.address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
      }
    }
  }
  return 0x7f000001n;
}

// Made at the first id, not on import: a process that never makes one skips the interface scan.
let shared: IdGenerator | undefined;

/** Ids made from now on carry this server's port in their machine part (the composition root's call). */
export function useIdPort(port: number): void {
  shared = new IdGenerator(port);
}

export function newId(): string {
  shared ??= new IdGenerator();
  return shared.next();
}

/**
 * The smallest id of a call created at `ms` (epoch ms): every id made earlier sorts below it, so
 * a range on the primary key selects calls by age.
 */
export function idFloorAt(ms: number): string {
  let out = '';
  // The first 10 characters carry the 48-bit time (3 + 9 × 5 bits); the other 16 are zero.
  let t = Math.max(0, Math.min(Math.floor(ms), 2 ** 48 - 1));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out.padEnd(26, '0');
}

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True for a string shaped like an Fn id; used to refuse junk path ids before any lookup. */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
