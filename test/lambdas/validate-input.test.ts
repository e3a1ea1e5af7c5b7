import { InvalidInputError } from '../../lambdas/shared/errors';
import { validateExecutionInput } from '../../lambdas/shared/validate-input';
import { INVALID_CASES, item } from './invalid-execution-inputs';

function catchInvalidInput(input: unknown): InvalidInputError {
  try {
    validateExecutionInput(input);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('validateExecutionInput accepted the input');
}

describe('validateExecutionInput', () => {
  it.each(INVALID_CASES)('rejects $name', ({ input, field, valueDescription, fix }) => {
    const error = catchInvalidInput(input);

    expect(error.name).toBe('InvalidInput');
    expect(error.field).toBe(field);
    expect(error.value).toBe(valueDescription);
    expect(error.fix).toMatch(fix);
    expect(error.message).toContain(`Invalid execution input: ${field} is ${valueDescription}; `);
    expect(error.message).toContain(' Fix: ');
  });

  it('matches the documented custom_id message', () => {
    const input = { requests: [item('a'), item('b'), item('c'), item('héllo wörld')] };

    expect(catchInvalidInput(input).message).toBe(
      'Invalid execution input: requests[3].custom_id is "héllo wörld"; it must match ^[a-zA-Z0-9_-]{1,64}$ (letters, digits, _ and -, at most 64). Fix: rename it.',
    );
  });

  it('keeps the key and prompts out of messages', () => {
    const keyError = catchInvalidInput({ apiKey: 'sk-ant-secret-value', requests: [] });
    const paramsError = catchInvalidInput({ requests: [item('a', 'secret prompt text')] });

    expect(JSON.stringify(keyError.details())).not.toContain('sk-ant-secret-value');
    expect(JSON.stringify(paramsError.details())).not.toContain('secret prompt');
  });

  it('checks prototype keys before apiKey', () => {
    const input = JSON.parse('{"apiKey": "k", "__proto__": {}}') as unknown;

    expect(catchInvalidInput(input).field).toBe('__proto__');
  });

  it('defaults anthropicVersion to 2023-06-01', () => {
    const result = validateExecutionInput({ requests: [item('a')] });

    expect(result.anthropicVersion).toBe('2023-06-01');
    expect(result.requests).toEqual([item('a')]);
  });

  it('keeps a given anthropicVersion', () => {
    const result = validateExecutionInput({
      requests: [item('a')],
      anthropicVersion: '2026-10-21',
    });

    expect(result.anthropicVersion).toBe('2026-10-21');
  });

  it('accepts 100000 requests with 64-character ids', () => {
    const requests = Array.from({ length: 100_000 }, (_, index) =>
      item(`${index}`.padStart(64, 'a')),
    );

    expect(validateExecutionInput({ requests }).requests).toHaveLength(100_000);
  });

  it('accepts a null-prototype input object', () => {
    const input = Object.assign(Object.create(null) as object, { requests: [item('A-z_0')] });

    expect(validateExecutionInput(input).requests).toHaveLength(1);
  });
});
