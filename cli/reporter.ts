import type { CliIo } from './io';
import { Spinner } from './spinner';
import { formatStateLine, type StateProgress } from './state-line';

/** Summary of an execution from DescribeExecution, with the output parsed. */
export interface ExecutionSummary {
  readonly executionArn: string;
  /** `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `PENDING_REDRIVE`. */
  readonly status: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  /** Execution output, parsed from JSON; a string when it is not valid JSON. */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** Prints what the commands report, as text for people or as JSON lines for scripts. */
export interface Reporter {
  /** Reports a started execution, or the running one that an identical start returned. */
  started(executionArn: string, startDate: Date | undefined): void;
  progress(progress: StateProgress): void;
  /** Shows the state being run while the CLI waits for new history events. */
  waiting(label: string): void;
  /** Prints the result of a followed execution as the last line. */
  finished(summary: ExecutionSummary): void;
  /** Prints the description of an execution (the status command). */
  described(summary: ExecutionSummary): void;
  /** Prints an error that ends the command with exit code 2 or 3. */
  failed(error: string, message: string): void;
}

/** Creates the reporter for `--json` or for text, with a spinner only when stdout is a TTY. */
export function createReporter(io: CliIo, json: boolean): Reporter {
  if (json) {
    return new JsonReporter(io);
  }
  return new TextReporter(io, io.stdout.isTTY === true ? new Spinner(io.stderr) : undefined);
}

class TextReporter implements Reporter {
  constructor(
    private readonly io: CliIo,
    private readonly spinner: Spinner | undefined,
  ) {}

  started(executionArn: string): void {
    this.print(`Started execution ${executionArn}`);
  }

  progress(progress: StateProgress): void {
    this.print(formatStateLine(progress));
  }

  waiting(label: string): void {
    this.spinner?.update(label);
  }

  finished(summary: ExecutionSummary): void {
    this.spinner?.stop();
    // The same last line as the local runner: the output, or {"error", "cause"}.
    if (summary.status === 'SUCCEEDED') {
      this.print(JSON.stringify(summary.output ?? null));
    } else {
      const { error, cause } = failureOf(summary);
      this.print(JSON.stringify({ error, cause }));
    }
  }

  described(summary: ExecutionSummary): void {
    const rows: Array<[string, string | undefined]> = [
      ['Execution', summary.executionArn],
      ['Status', summary.status],
      ['Started', summary.startDate?.toISOString()],
      ['Stopped', summary.stopDate?.toISOString()],
      ['Output', summary.output === undefined ? undefined : JSON.stringify(summary.output)],
      ['Error', summary.error],
      ['Cause', summary.cause],
    ];
    for (const [label, value] of rows) {
      if (value !== undefined) {
        this.print(`${label.padEnd(10)}${value}`);
      }
    }
  }

  failed(_error: string, message: string): void {
    this.spinner?.stop();
    this.io.stderr.write(`${message}\n`);
  }

  private print(line: string): void {
    this.spinner?.clear();
    this.io.stdout.write(`${line}\n`);
  }
}

class JsonReporter implements Reporter {
  constructor(private readonly io: CliIo) {}

  started(executionArn: string, startDate: Date | undefined): void {
    this.print({ type: 'started', executionArn, startDate: startDate?.toISOString() });
  }

  progress(progress: StateProgress): void {
    const { kind, elapsedMs, stateName, ...details } = progress;
    const elapsedSeconds = Math.round(elapsedMs) / 1000;
    this.print({ type: 'state', event: kind, elapsedSeconds, state: stateName, ...details });
  }

  waiting(): void {}

  finished(summary: ExecutionSummary): void {
    this.described(summary);
  }

  described(summary: ExecutionSummary): void {
    const failure = summary.status === 'SUCCEEDED' ? {} : failureOf(summary);
    this.print({
      type: 'result',
      executionArn: summary.executionArn,
      status: summary.status,
      startDate: summary.startDate?.toISOString(),
      stopDate: summary.stopDate?.toISOString(),
      output: summary.output,
      ...(summary.status === 'RUNNING' ? {} : failure),
    });
  }

  failed(error: string, message: string): void {
    this.print({ type: 'error', error, message });
  }

  private print(record: Record<string, unknown>): void {
    this.io.stdout.write(`${JSON.stringify(record)}\n`);
  }
}

/**
 * Returns the error and cause of an execution that did not succeed. DescribeExecution may omit
 * both (an aborted execution, for example), so the status replaces a missing error.
 */
function failureOf(summary: ExecutionSummary): { error: string; cause: string } {
  return {
    error: summary.error ?? summary.status,
    cause: summary.cause ?? `The execution ended with status ${summary.status}.`,
  };
}
