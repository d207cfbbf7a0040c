/** `models`: the model registry through the trainer — list versions, train now, promote, roll back. */
import { callService } from '../admin-client';
import { loadCliConfig } from '../cli-config';
import type { Command } from '../io';
import { formatColumns } from '../summary';
import { UsageError, parseOptions, required } from '../usage';

const USAGE = `recsys models list|train|promote|rollback [--version V] [--trainer <url>] [--token T]

  list       versions with held-out metrics, the champion and the promotion history
  train      train on the current window now; prints the challenger/champion/baseline figures
  promote    make --version the champion (announced to every scorer)
  rollback   make the previous champion the champion again
  --trainer  trainer base URL (default: TRAINER_URL)
  --token    admin bearer token (default: ADMIN_TOKEN)`;

interface VersionRow {
  version: string;
  status: string;
  createdAt: string;
  metrics: Record<string, number>;
}

const figure = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(4));

function versionsTable(listing: { champion: string | null; versions: VersionRow[] }): string {
  const rows = listing.versions.map((row) => [
    row.version === listing.champion ? `* ${row.version}` : `  ${row.version}`,
    row.status,
    row.createdAt,
    figure(row.metrics['auc']),
    figure(row.metrics['baseline.auc']),
    figure(row.metrics['ndcg@10']),
  ]);
  return formatColumns(['version', 'status', 'created', 'AUC', 'baseline AUC', 'NDCG@10'], rows);
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list, train, promote and roll back ranking models (trainer HTTP API)',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    const values = parseOptions(rest, {
      version: { type: 'string' },
      trainer: { type: 'string' },
      token: { type: 'string' },
    });
    const config = loadCliConfig(io.env);
    const baseUrl = required('trainer', values.trainer ?? config.trainerUrl);
    const token = values.token ?? config.adminToken;
    const call = (method: 'GET' | 'POST', path: string) =>
      callService({ baseUrl, method, path, ...(token === undefined ? {} : { token }) });
    switch (action) {
      case 'list':
        io.stdout.write(`${versionsTable((await call('GET', '/v1/models')) as never)}\n`);
        return;
      case 'train':
      case 'rollback':
        io.stdout.write(`${JSON.stringify(await call('POST', `/v1/models/${action}`), null, 2)}\n`);
        return;
      case 'promote': {
        const version = encodeURIComponent(required('version', values.version));
        io.stdout.write(`${JSON.stringify(await call('POST', `/v1/models/${version}/promote`))}\n`);
        return;
      }
      case undefined:
      default:
        throw new UsageError('expected list, train, promote or rollback');
    }
  },
};
