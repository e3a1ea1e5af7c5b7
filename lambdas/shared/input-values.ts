/**
 * Helpers that describe and check input values for `InvalidInputError` messages.
 *
 * The local runner and the CLI use them through validate-input.ts, so this module imports
 * nothing that needs Lambda.
 */
import { InvalidInputError } from './errors';

/** Longest quoted value in a message, in characters. */
const MAX_QUOTED_VALUE_CHARS = 60;

/**
 * Parts of an invalid-input message, which reads
 * `Invalid <context>: <field> is <valueDescription>; <rule>. Fix: <fix>.`
 */
export interface InvalidFieldParts {
  context: string;
  field: string;
  valueDescription: string;
  rule: string;
  fix: string;
}

/** Builds the `InvalidInputError` for one invalid field. */
export function invalidField(parts: InvalidFieldParts): InvalidInputError {
  const fixSentence = /[.?!]$/.test(parts.fix) ? parts.fix : `${parts.fix}.`;
  const message = `Invalid ${parts.context}: ${parts.field} is ${parts.valueDescription}; ${parts.rule}. Fix: ${fixSentence}`;
  return new InvalidInputError({
    message,
    field: parts.field,
    value: parts.valueDescription,
    fix: parts.fix,
  });
}

/** Describes a value for a message, quoting strings and cutting them to about 60 characters. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shortened =
      value.length > MAX_QUOTED_VALUE_CHARS
        ? `${value.slice(0, MAX_QUOTED_VALUE_CHARS - 3)}...`
        : value;
    return JSON.stringify(shortened);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return describeType(value);
}

/** Describes only the type of a value, for fields that may contain prompt text. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  }
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Tells whether a value is a JSON-style object: not null, not an array, no custom prototype. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Tells whether a string has the `YYYY-MM-DD` shape of an `anthropic-version` and is a real date. */
export function isAnthropicVersion(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
