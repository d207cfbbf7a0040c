/** What every view gets and returns, and the polling loop the live views share. */
import { AuthError } from './api.mjs';

export interface ViewContext {
  root: HTMLElement;
  /** Shows "updated at …" or an error in the header. */
  status: (text: string, isError?: boolean) => void;
  /** Called by a view when the API refused the token. */
  signedOut: () => void;
}

export type View = (context: ViewContext) => () => void;

/** Runs `load` now and every `intervalMs` until stopped; never two at once. */
export function poll(
  context: ViewContext,
  load: () => Promise<void>,
  intervalMs: number,
): () => void {
  let stopped = false;
  let timer: number | undefined;
  const tick = async () => {
    try {
      await load();
      if (!stopped) context.status(`updated ${new Date().toLocaleTimeString('en-GB')}`);
    } catch (error) {
      if (error instanceof AuthError) {
        stopped = true;
        context.signedOut();
        return;
      }
      if (!stopped) context.status(String(error instanceof Error ? error.message : error), true);
    }
    if (!stopped) timer = window.setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
