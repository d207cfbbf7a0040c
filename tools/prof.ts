import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { updatePlanOf, trainingExamplesOf } from '@recsys/features';
import type { StorefrontEvent } from '@recsys/contracts';
import { storefrontEventSchema } from '@recsys/contracts';
async function main() {
  const redis = new RedisConnection({
    url: 'redis://127.0.0.1:45243',
    keyPrefix: `prof${Date.now()}:`,
    connectTimeoutMs: 2000,
  });
  await redis.connect();
  const store = new FeatureStore(redis, {
    dedupeTtlSeconds: 1000,
    userTtlSeconds: 1000,
    negativeSamples: Number(process.argv[2]),
  });
  const now = Date.now();
  const mk = (i: number) =>
    ({
      eventId: `p${now}-${i}`,
      schemaVersion: 1,
      eventType: 'product_view',
      userId: `u${i % 1000}`,
      sessionId: `s${i % 3000}`,
      timestamp: new Date(now).toISOString(),
      itemId: `sku-${i % 500}`,
      price: 10,
      currency: 'EUR',
      categoryPath: ['a', 'b'],
    }) as StorefrontEvent;
  for (let round = 0; round < 6; round++) {
    const events = Array.from({ length: 500 }, (_, i) => mk(round * 500 + i));
    let t = performance.now();
    const json = events.map((e) => JSON.stringify(e));
    const parsed = json.map((j) => storefrontEventSchema.parse(JSON.parse(j)));
    const plans = parsed.map((e) => ({
      plan: { ...updatePlanOf(e), snapshot: process.argv[3] === 'snap' },
    }));
    const tParse = performance.now() - t;
    t = performance.now();
    const outcomes = await store.apply({ plans });
    const tApply = performance.now() - t;
    t = performance.now();
    let n = 0;
    outcomes.forEach((o, i) => {
      if (o.status === 'applied' && o.snapshot)
        n += trainingExamplesOf({
          event: parsed[i]!,
          plan: plans[i]!.plan,
          snapshot: o.snapshot,
          qualityFlagged: false,
        }).map((x) => JSON.stringify(x)).length;
    });
    const tEx = performance.now() - t;
    console.log(
      `parse ${tParse.toFixed(1)}ms apply ${tApply.toFixed(1)}ms examples(${n}) ${tEx.toFixed(1)}ms`,
    );
  }
  await redis.disconnect();
}
void main();
