/** `users`: privacy operations through the preprocessor — erase a shopper, fetch an erasure receipt. */
import {
  erasureReceiptV1Schema,
  erasureRequestIdSchema,
  type ErasureReceiptV1,
  type ErasureRequestV1,
} from '@recsys/contracts';
import { callService } from '../admin-client';
import { loadCliConfig } from '../cli-config';
import type { CliIo, Command } from '../io';
import { formatColumns } from '../summary';
import { UsageError, parseOptions, required } from '../usage';

const USAGE = `recsys users erase <userId> [--anonymous] [--reason R] [--requested-by W] [--json]
                   [--preprocessor <url>] [--token T]
       recsys users receipt <requestId> [--json] [--preprocessor <url>] [--token T]

  erase           remove the shopper's features, sequences and experiment data from Redis, write a
                  tombstone so replays and rebuilds skip their events, tell the trainer to drop their
                  examples; prints the receipt (what was removed, what stays and until when)
  receipt         print a stored erasure receipt
  --anonymous     the id is an anonymous (device) id, not a storefront user id
  --reason        why (stored with the receipt, e.g. a ticket number; no personal data)
  --requested-by  who asked (stored with the receipt)
  --json          print the receipt as JSON only
  --preprocessor  preprocessor base URL (default: PREPROCESSOR_URL)
  --token         admin bearer token (default: ADMIN_TOKEN)`;

const OPTIONS = {
  anonymous: { type: 'boolean' },
  reason: { type: 'string' },
  'requested-by': { type: 'string' },
  json: { type: 'boolean' },
  preprocessor: { type: 'string' },
  token: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>;

export const usersCommand: Command = {
  name: 'users',
  summary: 'erase a shopper (privacy) and fetch erasure receipts (preprocessor HTTP API)',
  usage: USAGE,
  async run(args, io) {
    const [action, id, ...rest] = args;
    if (id === undefined || id.startsWith('--'))
      throw new UsageError(`expected ${action === 'receipt' ? 'a request id' : 'a user id'}`);
    const values = parseOptions(rest, OPTIONS);
    const config = loadCliConfig(io.env);
    const baseUrl = required('preprocessor', values.preprocessor ?? config.preprocessorUrl);
    const token = values.token ?? config.adminToken;
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      callService({
        baseUrl,
        method,
        path,
        ...(token === undefined ? {} : { token }),
        ...(body === undefined ? {} : { body }),
      });
    switch (action) {
      case 'erase':
        return print(io, values, await call('POST', '/v1/privacy/erasures', requestOf(id, values)));
      case 'receipt': {
        if (!erasureRequestIdSchema.safeParse(id).success)
          throw new UsageError(`"${id}" is not an erasure request id (er-<uuid>)`);
        return print(io, values, await call('GET', `/v1/privacy/erasures/${id}`));
      }
      case undefined:
      default:
        throw new UsageError('expected erase or receipt');
    }
  },
};

function requestOf(id: string, values: Values): ErasureRequestV1 {
  return {
    ...(values.anonymous === true ? { anonymousId: id } : { userId: id }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
    ...(values['requested-by'] === undefined ? {} : { requestedBy: values['requested-by'] }),
  };
}

function print(io: CliIo, values: Values, answer: unknown): void {
  const receipt = erasureReceiptV1Schema.parse(answer);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${describe(receipt)}\n`);
}

/** The receipt for a reader: header, removals, what stays, notes; the JSON follows for the record. */
export function describe(receipt: ErasureReceiptV1): string {
  const { tombstone, announcement } = receipt;
  const header = [
    `erasure ${receipt.requestId}  subject ${receipt.subject} (${receipt.identity})`,
    `erased at ${receipt.erasedAt}: ${receipt.outcome === 'erased' ? 'data removed' : 'no data left to remove'}; ` +
      (tombstone.created
        ? 'tombstone written'
        : `tombstone moved forward (erasure ${tombstone.erasures}, previous ${tombstone.previous?.requestId ?? '-'})`),
    `announced on ${announcement.topic} partition ${announcement.partition} offset ${announcement.offset}`,
  ];
  const removed = formatColumns(
    ['removed from', 'keys', 'entries', 'key pattern'],
    receipt.removed.map((entry) => [
      entry.kind,
      String(entry.keys),
      String(entry.entries),
      entry.keyPattern,
    ]),
  );
  const retained = receipt.retained.map(
    (entry) => `  - ${entry.what}\n    ${entry.where}: ${entry.until}`,
  );
  const notes = receipt.notes.map((note) => `  - ${note}`);
  return [
    ...header,
    '',
    removed,
    '',
    'not removed:',
    ...retained,
    '',
    'notes:',
    ...notes,
    '',
    JSON.stringify(receipt),
  ].join('\n');
}
