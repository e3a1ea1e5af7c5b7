import { randomInt } from 'node:crypto';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Generates `prefix` followed by `length` random letters and digits, e.g. `msgbatch_01HkcT...`. */
export function randomId(prefix: string, length = 24): string {
  let suffix = '';
  for (let i = 0; i < length; i += 1) {
    suffix += ID_ALPHABET.charAt(randomInt(ID_ALPHABET.length));
  }
  return prefix + suffix;
}
