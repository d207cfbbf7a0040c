import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from './async-context-manager';

const KEY = createContextKey('test key');
const withValue = (value: string) => ROOT_CONTEXT.setValue(KEY, value);
const valueOf = (manager: AsyncLocalStorageContextManager) => manager.active().getValue(KEY);

describe('AsyncLocalStorageContextManager', () => {
  const manager = new AsyncLocalStorageContextManager();

  it('keeps the context active across awaits and timers started inside it', async () => {
    const seen = await manager.with(withValue('a'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const inTimer = await new Promise((resolve) => setImmediate(() => resolve(valueOf(manager))));
      return [valueOf(manager), inTimer];
    });
    expect(seen).toEqual(['a', 'a']);
  });

  it('restores the outer context after a nested one and is empty outside', () => {
    const seen = manager.with(withValue('outer'), () => {
      const inner = manager.with(withValue('inner'), () => valueOf(manager));
      return [inner, valueOf(manager)];
    });
    expect(seen).toEqual(['inner', 'outer']);
    expect(valueOf(manager)).toBeUndefined();
  });

  it('does not leak a context into concurrent work started elsewhere', async () => {
    const results = await Promise.all(
      ['x', 'y', 'z'].map((value) =>
        manager.with(withValue(value), async () => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
          return valueOf(manager);
        }),
      ),
    );
    expect(results).toEqual(['x', 'y', 'z']);
  });

  it('binds a function to a context, whoever calls it later', () => {
    const bound = manager.bind(
      withValue('bound'),
      (suffix: string) => `${String(valueOf(manager))}${suffix}`,
    );
    expect(manager.with(withValue('caller'), () => bound('!'))).toBe('bound!');
  });

  it('passes this and the arguments to the function it runs', () => {
    const receiver = { name: 'r' };
    const result = manager.with(
      withValue('v'),
      function (this: { name: string }, a: number, b: number) {
        return `${this.name}${a + b}`;
      },
      receiver,
      1,
      2,
    );
    expect(result).toBe('r3');
  });
});
