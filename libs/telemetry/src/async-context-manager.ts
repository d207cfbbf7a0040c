/**
 * The active trace context follows async work through Node's AsyncLocalStorage: a span made active for
 * an HTTP handler or a Kafka message stays active across every `await`, timer and callback started
 * inside it, and never leaks into work started elsewhere. (@opentelemetry/context-async-hooks does the
 * same; this is the small part of it the platform needs, without another dependency.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

export class AsyncLocalStorageContextManager implements ContextManager {
  private storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  // The ContextManager interface fixes this signature.
  // eslint-disable-next-line max-params
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  /**
   * Functions run in `context` whenever they are called. Other targets (event emitters) are returned as
   * they are: the platform binds handlers, never emitters.
   */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (thisArg: unknown, args: unknown[]): unknown =>
      this.with(context, () => (target as (...params: unknown[]) => unknown).apply(thisArg, args));
    return function bound(this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  /** Forgets every active context (a fresh store: contexts entered before no longer resolve). */
  disable(): this {
    this.storage.disable();
    this.storage = new AsyncLocalStorage<Context>();
    return this;
  }
}
