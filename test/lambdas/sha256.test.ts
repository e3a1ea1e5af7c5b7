import { createHash, createHmac } from 'node:crypto';
import { hmacSha256, sha256, toHex } from '../../lambdas/shared/sha256';

/** Deterministic bytes, so that a failure can be reproduced. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('sha256', () => {
  it('gives the FIPS 180-4 digest of "abc"', () => {
    expect(toHex(sha256('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives the digest of the empty message', () => {
    expect(toHex(sha256(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  // Lengths around 55, 56 and 64 bytes change how many blocks the padding takes.
  it('matches node:crypto for every length up to 300 bytes', () => {
    const mismatches: number[] = [];
    for (let length = 0; length <= 300; length += 1) {
      const data = bytes(length, length + 1);
      if (toHex(sha256(data)) !== createHash('sha256').update(data).digest('hex')) {
        mismatches.push(length);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('hashes a string as UTF-8', () => {
    const text = 'GetSecretValue ü € 𝄞';
    expect(toHex(sha256(text))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('hmacSha256', () => {
  // Keys longer than the 64-byte block are hashed first; shorter ones are padded.
  it('matches node:crypto for keys of 0 to 150 bytes', () => {
    const mismatches: number[] = [];
    for (let length = 0; length <= 150; length += 1) {
      const key = bytes(length, 7 * length + 3);
      const data = bytes((length * 37) % 200, length);
      const expected = createHmac('sha256', key).update(data).digest('hex');
      if (toHex(hmacSha256(key, data)) !== expected) mismatches.push(length);
    }
    expect(mismatches).toEqual([]);
  });

  it('gives the RFC 4231 test case 2 result', () => {
    expect(toHex(hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
