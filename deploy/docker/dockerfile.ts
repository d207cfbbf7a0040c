/**
 * A small Dockerfile reader for the static checks (and the chart test, which must run the images as the
 * user they declare): instructions with their continuation lines joined, grouped by build stage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** Instructions before the first FROM (global ARGs). */
  preamble: Instruction[];
  stages: Stage[];
}

export const DOCKERFILE_PATH = join(__dirname, 'Dockerfile');

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (current === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (current !== '' && line.trim().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push((current + line).trim());
    current = '';
  }
  if (current !== '') lines.push(current.trim());
  return lines;
}

function instructionOf(line: string): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(line);
  return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
}

function stageOf(fromArgs: string): Stage {
  const [from = '', as, name] = fromArgs.split(/\s+/);
  return { from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] };
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const parsed: ParsedDockerfile = { preamble: [], stages: [] };
  for (const instruction of logicalLines(text).map(instructionOf)) {
    if (instruction.keyword === 'FROM') {
      parsed.stages.push(stageOf(instruction.args));
    } else {
      const stage = parsed.stages.at(-1);
      (stage === undefined ? parsed.preamble : stage.instructions).push(instruction);
    }
  }
  return parsed;
}

export function readDockerfile(path = DOCKERFILE_PATH): ParsedDockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** The stage `name` and the stages it builds on (`FROM <earlier stage>`), nearest first. */
export function stageChain(dockerfile: ParsedDockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  let stage = dockerfile.stages.find((candidate) => candidate.name === name);
  while (stage !== undefined) {
    chain.push(stage);
    const parent = stage.from;
    stage = dockerfile.stages.find((candidate) => candidate.name === parent);
  }
  return chain;
}

/** The USER in effect at the end of a stage (the last USER instruction along its chain). */
export function effectiveUser(dockerfile: ParsedDockerfile, name: string): string | undefined {
  for (const stage of stageChain(dockerfile, name)) {
    const user = stage.instructions.filter((instruction) => instruction.keyword === 'USER').at(-1);
    if (user !== undefined) return user.args.trim();
  }
  return undefined;
}

/** The runtime user and group ids of the images (`USER uid:gid`). */
export function imageUser(dockerfile: ParsedDockerfile = readDockerfile()): {
  uid: number;
  gid: number;
} {
  const user = effectiveUser(dockerfile, 'service') ?? '';
  const match = /^(\d+):(\d+)$/.exec(user);
  if (match === null)
    throw new Error(`USER of the service stage is not numeric uid:gid: "${user}"`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}
