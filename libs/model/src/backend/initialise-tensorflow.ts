/**
 * Picks the TensorFlow.js backend once per process: native TensorFlow (@tensorflow/tfjs-node) when it
 * loads, else WebAssembly, else plain JavaScript (cpu). tfjs-node is an optional dependency that does
 * not install everywhere, so it is only ever tried inside a guard. Which backend to prefer (from the
 * environment, say) is the caller's decision; this module reads no environment itself.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
// Registers every op's gradient: tfjs-core's CommonJS bundle does not, the tfjs-layers bundle does.
import '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { env, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import {
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
} from '../kernels/register-training-kernels';

export const tensorflowBackendNames = ['tensorflow', 'wasm', 'cpu'] as const;
export type TensorflowBackendName = (typeof tensorflowBackendNames)[number];

export interface InitialiseTensorflowOptions {
  /**
   * The best backend to try; worse ones are still tried after it (tensorflow → wasm → cpu).
   * @default 'tensorflow'
   */
  prefer?: TensorflowBackendName;
  /** Receives which backend was chosen and why better ones were skipped. @default no logging */
  log?: (message: string) => void;
}

export interface TensorflowBackend {
  backend: TensorflowBackendName;
}

/** Outcome of trying one backend: null when it is active, else why not. */
type Attempt = () => Promise<string | null>;

// createRequire keeps the optional module out of static imports, so nothing fails when it is absent.
const optionalRequire = createRequire(__filename);

const WASM_BINARIES = {
  plain: 'tfjs-backend-wasm.wasm',
  simd: 'tfjs-backend-wasm-simd.wasm',
} as const;

async function activate(name: TensorflowBackendName): Promise<string | null> {
  const active = await setBackend(name);
  await ready();
  return active && getBackend() === name ? null : `setBackend('${name}') did not take effect`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

const tryTensorflowNode: Attempt = async () => {
  try {
    // Registers the 'tensorflow' backend as a side effect when its native binding is installed.
    optionalRequire('@tensorflow/tfjs-node');
  } catch (error) {
    return `@tensorflow/tfjs-node did not load (${messageOf(error)})`;
  }
  return activate('tensorflow');
};

/** The directory holding the .wasm binaries, with a trailing separator as setWasmPaths expects. */
export function wasmBinaryDirectory(): string {
  const packageJson = optionalRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(packageJson), 'dist') + sep;
}

/**
 * Points the wasm backend at its binaries on disk (in Node it would otherwise look beside the bundle
 * and fail) and turns SIMD off when its binary is missing. Threads stay off: tfjs disables the
 * threaded build in Node (tensorflow/tfjs#3830), so one core runs each kernel.
 */
async function prepareWasm(): Promise<string | null> {
  const directory = wasmBinaryDirectory();
  if (!existsSync(join(directory, WASM_BINARIES.plain))) {
    return `${WASM_BINARIES.plain} is not in ${directory}`;
  }
  const simdSupported = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  if (simdSupported && !existsSync(join(directory, WASM_BINARIES.simd))) {
    env().set('WASM_HAS_SIMD_SUPPORT', false);
  }
  setWasmPaths(directory);
  return null;
}

const tryWasm: Attempt = async () => {
  try {
    const problem = await prepareWasm();
    if (problem !== null) return problem;
    // Kernels first: replacements keep the stock setup hooks, which run when the backend starts.
    registerWasmTrainingKernels();
    return await activate('wasm');
  } catch (error) {
    return `wasm did not start (${messageOf(error)})`;
  }
};

const tryCpu: Attempt = async () => {
  registerCpuTrainingKernels();
  return activate('cpu');
};

const ATTEMPTS: Record<TensorflowBackendName, Attempt> = {
  tensorflow: tryTensorflowNode,
  wasm: tryWasm,
  cpu: tryCpu,
};

async function describeWasm(): Promise<string> {
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return simd ? 'wasm (SIMD, single-threaded)' : 'wasm (no SIMD, single-threaded)';
}

async function chooseBackend(options: InitialiseTensorflowOptions): Promise<TensorflowBackend> {
  const log = options.log ?? (() => undefined);
  const start = tensorflowBackendNames.indexOf(options.prefer ?? 'tensorflow');
  const skipped: string[] = tensorflowBackendNames
    .slice(0, start)
    .map((name) => `${name}: not tried (prefer=${options.prefer ?? 'tensorflow'})`);
  for (const name of tensorflowBackendNames.slice(start)) {
    const problem = await ATTEMPTS[name]();
    if (problem === null) {
      const label = name === 'wasm' ? await describeWasm() : name;
      const why = skipped.length === 0 ? '' : `; skipped ${skipped.join('; ')}`;
      log(`TensorFlow.js backend: ${label}${why}`);
      return { backend: name };
    }
    skipped.push(`${name}: ${problem}`);
  }
  throw new ModelError('TENSORFLOW_UNAVAILABLE', 'No TensorFlow.js backend could start.', {
    details: { attempts: skipped },
  });
}

let chosen: Promise<TensorflowBackend> | undefined;
let chosenName: TensorflowBackendName | undefined;

/**
 * Chooses and starts the backend. Idempotent: the first call decides for the whole process (tfjs has
 * one global backend); later calls return the same answer, whatever they prefer.
 */
export function initialiseTensorflow(
  options: InitialiseTensorflowOptions = {},
): Promise<TensorflowBackend> {
  if (chosen === undefined) {
    chosen = chooseBackend(options).then(
      (result) => {
        chosenName = result.backend;
        return result;
      },
      (error: unknown) => {
        chosen = undefined;
        throw error;
      },
    );
  } else if (options.prefer !== undefined && chosenName !== undefined) {
    options.log?.(`TensorFlow.js backend already initialised: ${chosenName}`);
  }
  return chosen;
}

/** The backend initialiseTensorflow chose, or undefined before it finished. */
export function initialisedBackend(): TensorflowBackendName | undefined {
  return chosenName;
}
