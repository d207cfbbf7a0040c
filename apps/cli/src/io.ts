/** Where a command writes: standard output for results, standard error for progress and errors. */
import type { EnvSource } from '@recsys/config';

export interface OutputStream {
  write(text: string): unknown;
  /** True when the stream is a terminal: progress then redraws one line. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Environment for settings; undefined reads the process environment (through libs/config). */
  env?: EnvSource;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<void>;
}
