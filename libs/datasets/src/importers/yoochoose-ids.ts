/** Identifiers shared by the YooChoose clicks and buys readers. */
import { stableId } from '../import/identity';

export const YOOCHOOSE_PREFIX = 'yc';

/** Session and anonymous id of a YooChoose session (the dataset has no user ids). */
export function yoochooseSessionId(session: string): string {
  return stableId(YOOCHOOSE_PREFIX, ['s', session]);
}
