/**
 * Services bind loopback by default: a service started with no HTTP_HOST/HOST answers on 127.0.0.1 and
 * refuses a connection on a non-loopback address of its machine. The machine is a private network
 * namespace this test creates (unshare, with a veth pair holding 10.250.0.1), so no traffic ever leaves
 * it. Where namespaces are unavailable, the fallback checks the address the service logs, which is the
 * one its socket is bound to (server.address()).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, userShellEnv } from '@recsys/testing';

const REPO = join(__dirname, '../../..');
const FIXTURE = join(__dirname, 'fixtures/bind-probe.service.ts');
const NETWORK_ADDRESS = '10.250.0.1';
/** Any port: the namespace is empty. */
const NAMESPACE_PORT = 38_080;

interface ProbeRun {
  probe: { loopback: string; network?: string };
  log: string;
}

const NODE = `node -r @swc-node/register ${FIXTURE}`;
const NAMESPACE_SETUP = [
  'set -e',
  'ip link set lo up',
  'ip link add recsys0 type veth peer name recsys1',
  `ip addr add ${NETWORK_ADDRESS}/24 dev recsys0`,
  'ip link set recsys0 up',
  'ip link set recsys1 up',
].join('; ');

const namespacesAvailable =
  spawnSync('unshare', ['--net', '--map-root-user', 'sh', '-c', NAMESPACE_SETUP], {
    stdio: 'ignore',
  }).status === 0;

/** Runs the probe service with `env` (HTTP_HOST/HOST unset unless given), in a namespace or not. */
function runProbe(env: Record<string, string>, inNamespace: boolean): ProbeRun {
  // userShellEnv drops the test run's HTTP_* settings; HOST is dropped here.
  const { HOST: _host, ...inherited } = userShellEnv({});
  const command = inNamespace
    ? ['unshare', ['--net', '--map-root-user', 'sh', '-c', `${NAMESPACE_SETUP}; exec ${NODE}`]]
    : ['sh', ['-c', `exec ${NODE}`]];
  const result = spawnSync(command[0] as string, command[1] as string[], {
    cwd: REPO,
    env: { ...inherited, SWC_NODE_PROJECT: 'tsconfig.json', LOG_FORMAT: 'text', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = result.stdout.split('\n').find((text) => text.startsWith('{"probe"'));
  if (line === undefined) {
    throw new Error(`the probe service printed no result:\n${result.stdout}\n${result.stderr}`);
  }
  return { ...(JSON.parse(line) as Pick<ProbeRun, 'probe'>), log: result.stdout };
}

const describeInNamespace = namespacesAvailable ? describe : describe.skip;
const describeWithoutNamespace = namespacesAvailable ? describe.skip : describe;

describeInNamespace('a service in a private network namespace with a non-loopback address', () => {
  const env = { HTTP_PORT: String(NAMESPACE_PORT), PROBE_ADDRESS: NETWORK_ADDRESS };

  it('with the default configuration answers on 127.0.0.1 only, and logs that address', () => {
    const run = runProbe(env, true);
    expect(run.probe).toEqual({ loopback: 'connected', network: 'ECONNREFUSED' });
    expect(run.log).toContain(`listening on http://127.0.0.1:${NAMESPACE_PORT}`);
  });

  it('with HOST=0.0.0.0 is reachable on the network address (the probe can tell), and says so', () => {
    const run = runProbe({ ...env, HOST: '0.0.0.0' }, true);
    expect(run.probe).toEqual({ loopback: 'connected', network: 'connected' });
    expect(run.log).toContain(`listening on http://0.0.0.0:${NAMESPACE_PORT} (every interface)`);
  });
});

describeWithoutNamespace('a service on this machine (no network namespaces here)', () => {
  it('with the default configuration binds 127.0.0.1 (its logged, bound address)', async () => {
    const port = await freePort();
    const run = runProbe({ HTTP_PORT: String(port) }, false);
    expect(run.probe).toEqual({ loopback: 'connected' });
    expect(run.log).toContain(`listening on http://127.0.0.1:${port}`);
  });
});
