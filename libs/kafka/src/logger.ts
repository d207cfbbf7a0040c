/** The logging surface the Kafka adapter needs; Nest's Logger and console both satisfy it. */
export interface AdapterLogger {
  log(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
  debug?(message: string, ...context: unknown[]): void;
}

export const silentLogger: AdapterLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
