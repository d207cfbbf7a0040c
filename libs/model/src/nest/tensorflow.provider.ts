/**
 * Nest wiring for the TensorFlow.js backend: a provider that picks the backend once, before anything
 * that trains or loads a model is constructed (inject TENSORFLOW_BACKEND to depend on it), and logs why.
 */
import { Logger, type FactoryProvider } from '@nestjs/common';
import {
  initialiseTensorflow,
  type TensorflowBackend,
  type TensorflowBackendName,
} from '../backend/initialise-tensorflow';

export const TENSORFLOW_BACKEND = Symbol('TENSORFLOW_BACKEND');

/** `auto` tries tfjs-node, then wasm, then cpu; a name prefers that backend. */
export function tensorflowBackendProvider(
  preference: 'auto' | TensorflowBackendName,
): FactoryProvider<TensorflowBackend> {
  const logger = new Logger('tensorflow');
  return {
    provide: TENSORFLOW_BACKEND,
    useFactory: () =>
      initialiseTensorflow({
        ...(preference === 'auto' ? {} : { prefer: preference }),
        log: (message) => logger.log(message),
      }),
  };
}
