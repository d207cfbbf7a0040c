import { getBackend, registerBackend } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { initialiseTensorflow } from './initialise-tensorflow';

// Stands in for the native backend: a module that, when it loads, registers 'tensorflow'.
jest.mock(
  '@tensorflow/tfjs-node',
  () => {
    registerBackend('tensorflow', () => new MathBackendCPU(), 3);
    return {};
  },
  { virtual: true },
);

describe('initialiseTensorflow when tfjs-node loads', () => {
  it('uses the native backend it registers', async () => {
    const messages: string[] = [];
    const result = await initialiseTensorflow({ log: (message) => messages.push(message) });
    expect(result).toEqual({ backend: 'tensorflow' });
    expect(getBackend()).toBe('tensorflow');
    expect(messages).toEqual(['TensorFlow.js backend: tensorflow']);
  });
});
