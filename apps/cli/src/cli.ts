/**
 * The `recsys` command line: a thin shell over libs/datasets. Exit codes: 0 done, 1 the work failed
 * (unreadable dataset, collector unreachable…), 2 wrong arguments or settings.
 */
import { ConfigError } from '@recsys/config';
import { experimentsCommand } from './commands/experiments.command';
import { generateCommand } from './commands/generate.command';
import { importCommand } from './commands/import.command';
import { modelsCommand } from './commands/models.command';
import { replayCommand } from './commands/replay.command';
import { topicsCommand } from './commands/topics.command';
import { usersCommand } from './commands/users.command';
import type { CliIo, Command } from './io';
import { UsageError } from './usage';

const COMMANDS: readonly Command[] = [
  importCommand,
  generateCommand,
  replayCommand,
  modelsCommand,
  experimentsCommand,
  topicsCommand,
  usersCommand,
];

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(overview());
    return EXIT.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(overview());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`unknown command "${name}"\n\n${overview()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    await command.run(args, io);
    return EXIT.ok;
  } catch (error) {
    return reportFailure({ error, command, io });
  }
}

function reportFailure(input: { error: unknown; command: Command; io: CliIo }): number {
  const { error, command, io } = input;
  if (error instanceof UsageError) {
    io.stderr.write(`recsys ${command.name}: ${error.message}\n\nusage: ${command.usage}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`recsys ${command.name}: ${error.message}\n`);
    return EXIT.usage;
  }
  io.stderr.write(
    `recsys ${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  return EXIT.failed;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `usage: recsys <command> [options]   (npm run cli -- <command> --help)\n\ncommands:\n${lines.join('\n')}\n`;
}
