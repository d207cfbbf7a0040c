import { getBackend } from '@tensorflow/tfjs-core';
import { initialiseTensorflow } from './initialise-tensorflow';

// The wasm binaries are missing (say, pruned from an image): wasm is skipped, cpu is used.
jest.mock('node:fs', () => ({
  ...jest.requireActual<typeof import('node:fs')>('node:fs'),
  existsSync: () => false,
}));

describe('initialiseTensorflow without the wasm binaries', () => {
  it('falls back to cpu and names both reasons', async () => {
    const messages: string[] = [];
    const result = await initialiseTensorflow({
      prefer: 'wasm',
      log: (message) => messages.push(message),
    });
    expect(result).toEqual({ backend: 'cpu' });
    expect(getBackend()).toBe('cpu');
    expect(messages[0]).toMatch(
      /^TensorFlow\.js backend: cpu; skipped tensorflow: not tried \(prefer=wasm\); wasm: tfjs-backend-wasm\.wasm is not in /,
    );
  });
});
