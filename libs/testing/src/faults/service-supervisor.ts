/**
 * Keeps one service process running for a fault test and kills it on request: `kill -9` at a fixed
 * interval, restarting it each time and recording how long the new process took to be ready. An exit
 * the supervisor did not cause (a crash) is recorded too, with the output of the process, so a test can
 * tell "killed on purpose" from "fell over".
 */
import {
  startServiceProcess,
  type ServiceProcess,
  type StartServiceOptions,
} from '../services/service-process';

export interface KillRecord {
  /** When SIGKILL was sent (ms since epoch). */
  killedAtMs: number;
  /** Kill → the restarted process answers /health/ready. */
  recoveryMs: number;
}

export interface UnexpectedExit {
  code: number | null;
  atMs: number;
  output: string;
}

export class ServiceSupervisor {
  readonly kills: KillRecord[] = [];
  readonly unexpectedExits: UnexpectedExit[] = [];
  private process: ServiceProcess | undefined;
  private stopping = false;

  constructor(private readonly options: StartServiceOptions) {}

  get current(): ServiceProcess {
    if (this.process === undefined) throw new Error(`${this.options.name} is not started`);
    return this.process;
  }

  async start(): Promise<ServiceProcess> {
    const service = await startServiceProcess(this.options);
    if (this.stopping) {
      // The test ended while this one was starting: it must not outlive it.
      await service.stop('SIGKILL');
      throw new Error(`${this.options.name} was stopped while starting`);
    }
    this.process = service;
    void service.exited.then((code) => {
      if (this.process === service && !this.stopping)
        this.unexpectedExits.push({ code, atMs: Date.now(), output: service.output() });
    });
    return service;
  }

  /** SIGKILL, then a new process; resolves when it is ready. */
  async killAndRestart(): Promise<KillRecord> {
    const victim = this.current;
    this.process = undefined;
    const killedAtMs = Date.now();
    await victim.stop('SIGKILL');
    await this.start();
    const record = { killedAtMs, recoveryMs: Date.now() - killedAtMs };
    this.kills.push(record);
    return record;
  }

  /**
   * While `keepGoing()` says so (checked every 100 ms): lets the process work for `intervalMs` after it
   * became ready, kills it, restarts it. Measured from readiness, not from the previous kill: a restart takes seconds (the group
   * waits out the killed member's session), and a process killed before it consumed anything would
   * never be caught in the middle of a batch. Resolves with the kills of this loop.
   */
  async killEvery(options: {
    intervalMs: number;
    keepGoing: () => boolean;
  }): Promise<KillRecord[]> {
    const records: KillRecord[] = [];
    const going = () => options.keepGoing() && !this.stopping;
    while (going()) {
      // The interval, cut short as soon as the test says stop.
      const due = Date.now() + options.intervalMs;
      while (going() && Date.now() < due) await sleep(Math.min(100, due - Date.now()));
      if (!going()) break;
      records.push(await this.killAndRestart());
    }
    return records;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.process?.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
