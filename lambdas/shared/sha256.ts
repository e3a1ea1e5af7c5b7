/**
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) in plain JavaScript, for SigV4 signing.
 *
 * Loading node:crypto took 5 to 13 ms of each cold start on Node 20 and 24 here, more than the
 * rest of the signing; the handlers hash a few hundred bytes per cold start, so a small
 * implementation costs less. test/lambdas/sha256.test.ts compares it with node:crypto.
 * It is not constant-time, which is fine for signing requests with the function's own key.
 */

/** First 32 bits of the fractional parts of the roots of the first primes, as FIPS 180-4 defines. */
function rootConstants(count: number, root: (prime: number) => number): Uint32Array {
  const constants = new Uint32Array(count);
  let found = 0;
  for (let candidate = 2; found < count; candidate += 1) {
    let prime = true;
    for (let divisor = 2; divisor * divisor <= candidate; divisor += 1) {
      if (candidate % divisor === 0) prime = false;
    }
    if (!prime) continue;
    const value = root(candidate);
    constants[found] = (value - Math.floor(value)) * 2 ** 32;
    found += 1;
  }
  return constants;
}

/** Round constants: cube roots of the first 64 primes. */
const ROUND_CONSTANTS = rootConstants(64, Math.cbrt);
/** Initial hash value: square roots of the first 8 primes. */
const INITIAL_HASH = rootConstants(8, Math.sqrt);

const BLOCK_BYTES = 64;

function rotateRight(value: number, bits: number): number {
  return (value >>> bits) | (value << (32 - bits));
}

/** Returns the SHA-256 digest of `data`: a string is hashed as UTF-8. */
export function sha256(data: string | Uint8Array): Uint8Array {
  const message = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // The message, one 0x80 byte, zeros, then the length in bits as a 64-bit big-endian number.
  const padded = new Uint8Array(Math.ceil((message.length + 9) / BLOCK_BYTES) * BLOCK_BYTES);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);

  // Plain locals and non-null indexes: a cold start runs this in V8's interpreter, where every
  // extra operation per round counts. Every index is in range.
  const hash = Uint32Array.from(INITIAL_HASH);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < padded.length; offset += BLOCK_BYTES) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const early = w[i - 15]!;
      const late = w[i - 2]!;
      const sigma0 = rotateRight(early, 7) ^ rotateRight(early, 18) ^ (early >>> 3);
      const sigma1 = rotateRight(late, 17) ^ rotateRight(late, 19) ^ (late >>> 10);
      w[i] = w[i - 16]! + sigma0 + w[i - 7]! + sigma1;
    }
    let a = hash[0]!;
    let b = hash[1]!;
    let c = hash[2]!;
    let d = hash[3]!;
    let e = hash[4]!;
    let f = hash[5]!;
    let g = hash[6]!;
    let h = hash[7]!;
    for (let i = 0; i < 64; i += 1) {
      const sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25);
      const choose = (e & f) ^ (~e & g);
      const temp1 = (h + sum1 + choose + ROUND_CONSTANTS[i]! + w[i]!) | 0;
      const sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = (d + temp1) | 0;
      d = c;
      c = b;
      b = a;
      a = (temp1 + sum0 + majority) | 0;
    }
    hash[0]! += a;
    hash[1]! += b;
    hash[2]! += c;
    hash[3]! += d;
    hash[4]! += e;
    hash[5]! += f;
    hash[6]! += g;
    hash[7]! += h;
  }

  const digest = new Uint8Array(32);
  const digestView = new DataView(digest.buffer);
  for (let i = 0; i < 8; i += 1) digestView.setUint32(i * 4, hash[i]!);
  return digest;
}

/** Returns HMAC-SHA256 of `data` with `key`; strings are UTF-8. */
export function hmacSha256(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
  let keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (keyBytes.length > BLOCK_BYTES) keyBytes = sha256(keyBytes);
  const inner = new Uint8Array(BLOCK_BYTES).fill(0x36);
  const outer = new Uint8Array(BLOCK_BYTES).fill(0x5c);
  keyBytes.forEach((byte, index) => {
    inner[index] = (inner[index] ?? 0) ^ byte;
    outer[index] = (outer[index] ?? 0) ^ byte;
  });
  const message = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return sha256(Buffer.concat([outer, sha256(Buffer.concat([inner, message]))]));
}

/** Writes bytes as lowercase hexadecimal. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
