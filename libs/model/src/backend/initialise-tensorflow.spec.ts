import { getBackend } from '@tensorflow/tfjs-core';
import { initialisedBackend, initialiseTensorflow } from './initialise-tensorflow';

describe('initialiseTensorflow (tfjs-node not installed)', () => {
  it('falls back to wasm, saying why tfjs-node was skipped', async () => {
    const messages: string[] = [];
    const result = await initialiseTensorflow({ log: (message) => messages.push(message) });
    expect(result).toEqual({ backend: 'wasm' });
    expect(getBackend()).toBe('wasm');
    expect(initialisedBackend()).toBe('wasm');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/backend: wasm \((no )?SIMD, single-threaded\)/);
    expect(messages[0]).toMatch(/skipped tensorflow: @tensorflow\/tfjs-node did not load/);
  });

  it('is idempotent: later calls get the first answer, whatever they prefer', async () => {
    const messages: string[] = [];
    const again = await initialiseTensorflow({
      prefer: 'cpu',
      log: (message) => messages.push(message),
    });
    expect(again).toEqual({ backend: 'wasm' });
    expect(getBackend()).toBe('wasm');
    expect(messages).toEqual(['TensorFlow.js backend already initialised: wasm']);
  });
});
