/**
 * A progress line on standard error: count, rate and elapsed time. On a terminal it is redrawn in place
 * (at most ten times a second); otherwise (CI logs, pipes) a new line is written every few seconds.
 */
import type { OutputStream } from './io';

export interface ProgressOptions {
  stream: OutputStream;
  label: string;
  /** What is counted, e.g. "rows" or "events". */
  unit: string;
  now?: () => number;
  /** @default 100 on a terminal, 5000 otherwise */
  intervalMs?: number;
}

const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5_000;

export class ProgressLine {
  private readonly startedMs: number;
  private lastDrawnMs: number;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly tty: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.startedMs = this.now();
    this.lastDrawnMs = this.startedMs;
    this.tty = options.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? (this.tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS);
  }

  update(count: number, detail = ''): void {
    const nowMs = this.now();
    if (nowMs - this.lastDrawnMs < this.intervalMs) return;
    this.lastDrawnMs = nowMs;
    this.draw(this.text(count, detail, nowMs), false);
  }

  done(count: number, detail = ''): void {
    this.draw(this.text(count, detail, this.now()), true);
  }

  private text(count: number, detail: string, nowMs: number): string {
    const elapsedMs = Math.max(1, nowMs - this.startedMs);
    const rate = Math.round((count * 1000) / elapsedMs);
    const parts = [
      `${this.options.label}: ${count.toLocaleString('en-US')} ${this.options.unit}`,
      `${rate.toLocaleString('en-US')} ${this.options.unit}/s`,
      `elapsed ${(elapsedMs / 1000).toFixed(1)}s`,
    ];
    return [...parts, ...(detail === '' ? [] : [detail])].join('  ');
  }

  private draw(text: string, final: boolean): void {
    if (this.tty) this.options.stream.write(`\r${text}\u001b[K${final ? '\n' : ''}`);
    else this.options.stream.write(`${text}\n`);
  }
}
