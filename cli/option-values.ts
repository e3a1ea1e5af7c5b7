/** Readers of option values; each throws ArgumentError with the option, the value and the rule. */

/** Option values as node:util parseArgs returns them. */
export type ParsedValues = Record<string, string | boolean | undefined>;

/** `processing_status` values that a sweep may select. */
export const SWEEP_PROCESSING_STATUSES = ['in_progress', 'canceling', 'ended'] as const;
export type SweepProcessingStatus = (typeof SWEEP_PROCESSING_STATUSES)[number];

/** An invalid argument of one command; parseCommandLine adds the command's help hint. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/** Returns the one positional argument, such as the input file, named `description` in errors. */
export function readOnePositional(positionals: string[], description: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined) {
    throw new ArgumentError(`Missing the ${description}.`);
  }
  if (extra.length > 0) {
    throw new ArgumentError(`Expected one ${description}, got ${positionals.length} arguments.`);
  }
  return value;
}

/** Returns the value of a string option; an empty value is an error. */
export function readNonEmptyString(values: ParsedValues, option: string): string | undefined {
  const value = values[option];
  if (typeof value !== 'string') {
    return undefined;
  }
  if (value.trim() === '') {
    throw new ArgumentError(`--${option} is empty. Fix: give it a value or leave the option out.`);
  }
  return value;
}

/** Returns the value of a numeric option, which must be positive and, with `integer`, whole. */
export function readPositiveNumber(
  values: ParsedValues,
  option: string,
  integer: boolean,
): number | undefined {
  const text = readNonEmptyString(values, option);
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  const valid = Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!valid) {
    const expected = integer ? 'a positive whole number' : 'a positive number';
    throw new ArgumentError(`--${option} is "${text}"; it must be ${expected}.`);
  }
  return value;
}

/** Returns the value of --status, one of SWEEP_PROCESSING_STATUSES. */
export function readProcessingStatus(values: ParsedValues): SweepProcessingStatus | undefined {
  const text = readNonEmptyString(values, 'status');
  if (text === undefined) {
    return undefined;
  }
  const allowed: readonly string[] = SWEEP_PROCESSING_STATUSES;
  if (!allowed.includes(text)) {
    throw new ArgumentError(`--status is "${text}"; it must be one of ${allowed.join(', ')}.`);
  }
  return text as SweepProcessingStatus;
}

/** Characters that StartExecution rejects in an execution name, per the SDK's StartExecutionInput docs. */
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Rejects an execution name that StartExecution would reject for its characters. */
export function checkExecutionName(name: string): void {
  const forbidden = FORBIDDEN_NAME_CHARACTERS.exec(name)?.[0] ?? findControlCharacter(name);
  if (forbidden !== undefined) {
    throw new ArgumentError(
      `--name "${name}" contains ${JSON.stringify(forbidden)}, which execution names must not ` +
        'contain. Fix: use only letters, digits, - and _.',
    );
  }
}

/** Returns the first control character (U+0000-001F or U+007F-009F) in a string. */
function findControlCharacter(text: string): string | undefined {
  return [...text].find((character) => {
    const code = character.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
}
