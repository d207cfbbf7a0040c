import { checkReadiness } from './health';

const indicator = (name: string, healthy: boolean | 'throws', critical?: boolean) => ({
  name,
  isHealthy: async () => {
    if (healthy === 'throws') throw new Error('probe failed');
    return healthy;
  },
  ...(critical === undefined ? {} : { critical }),
});

describe('checkReadiness', () => {
  it('is ready when every dependency answers', async () => {
    await expect(
      checkReadiness([indicator('kafka', true), indicator('redis', true)]),
    ).resolves.toEqual({
      status: 'ready',
      checks: { kafka: 'up', redis: 'up' },
    });
  });

  it('is not ready when a critical dependency is down or its probe throws', async () => {
    await expect(checkReadiness([indicator('kafka', false)])).resolves.toMatchObject({
      status: 'not_ready',
    });
    await expect(checkReadiness([indicator('kafka', 'throws')])).resolves.toEqual({
      status: 'not_ready',
      checks: { kafka: 'down' },
    });
  });

  it('stays ready with a non-critical dependency down, and still reports it', async () => {
    await expect(
      checkReadiness([indicator('kafka', true), indicator('redis', false, false)]),
    ).resolves.toEqual({
      status: 'ready',
      checks: { kafka: 'up', redis: 'down' },
    });
  });
});
