/**
 * The web console in a real headless Chromium over a running stack (collector, preprocessor, trainer,
 * scorer, console — each its own process on real Kafka and Redis): a small synthetic storefront is
 * replayed, a champion trained, an experiment run; then every page is opened as an operator would and
 * must render real figures without a browser console error. Screenshots of every page are saved to
 * `test-artifacts/console/` (test artefacts, not committed).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { generateStorefront, replayRecords } from '@recsys/datasets';
import {
  REPO_ROOT,
  buildServices,
  integrationEnvironment,
  serviceEnv,
  startServiceProcess,
  testNamespace,
  waitFor,
  type ServiceName,
  type ServiceProcess,
} from '@recsys/testing';
import { launchChromium, pageLayout } from './support/browser';

const SECRET = 'e2e-console-pseudonymisation-secret';
const WRITE_KEY = 'e2e-console-write-key-0123456789';
const ADMIN = 'e2e-console-admin-token-0123456789';
const DAY_MS = 86_400_000;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console');

const storefront = generateStorefront({
  seed: 23,
  users: 60,
  items: 150,
  categories: 8,
  days: 3,
  sessionsPerUserPerDay: 1.5,
  loggedOutShare: 0,
  startTime: new Date(Date.now() - 3 * DAY_MS - 3_600_000).toISOString(),
});

describe('the web console in headless Chromium over a running stack', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('e2e-console');
  const shared = { ...serviceEnv(environment, namespace), LOG_LEVEL: 'warn', ADMIN_TOKEN: ADMIN };
  const services: Partial<Record<ServiceName, ServiceProcess>> = {};
  const url = (name: ServiceName) => services[name]!.url;
  const browserErrors: string[] = [];
  let browser: Browser;
  let page: Page;
  const started = Date.now();

  const start = async (name: ServiceName, env: Record<string, string>) => {
    services[name] = await startServiceProcess({
      name,
      env: { ...shared, ...env },
      readyTimeoutMs: 90_000,
    });
  };

  beforeAll(async () => {
    [browser] = await Promise.all([
      launchChromium(),
      buildServices(['collector', 'preprocessor', 'trainer', 'scorer', 'console']),
      mkdir(ARTIFACTS, { recursive: true }),
    ]);
    // The collector first: it creates the topics the others then find.
    await start('collector', {
      COLLECTOR_WRITE_KEYS: JSON.stringify([
        { storefront: 'e2e', key: WRITE_KEY, allowedOrigins: [] },
      ]),
      COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
    });
    await Promise.all([
      start('preprocessor', {
        FEATURE_NEGATIVE_SAMPLES: '3',
        PREPROCESSOR_LATE_AFTER_SECONDS: '2592000',
      }),
      start('trainer', {
        TRAINER_MIN_EXAMPLES: '300',
        // Trained on demand below, so the test knows when.
        TRAINER_RETRAIN_AFTER_EXAMPLES: '10000000',
        TRAINER_RETRAIN_INTERVAL_SECONDS: '604800',
        TRAINER_EPOCHS: '2',
        TRAINER_EMBEDDING_DIM: '16',
      }),
      start('scorer', {
        SCORER_PSEUDONYMISATION_SECRET: SECRET,
        SCORER_EXPERIMENTS_REFRESH_MS: '300',
        SCORER_RANKER_TIMEOUT_MS: '2000',
      }),
    ]);
    // Last: it needs the scorer's address.
    await start('console', { SCORER_URL: url('scorer'), CONSOLE_PSEUDONYMISATION_SECRET: SECRET });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    phase('stack and browser up');
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserErrors.push(`page: ${error.message}`));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(services).map((service) => service?.stop()));
    process.stdout.write(`console e2e: ${Math.round((Date.now() - started) / 1000)} s in all\n`);
  });

  async function api<T>(path: string, init: RequestInit & { service: ServiceName }): Promise<T> {
    const response = await fetch(`${url(init.service)}${path}`, init);
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }
  const admin = { authorization: `Bearer ${ADMIN}` };

  async function trainChampion(): Promise<string> {
    await waitFor(
      async () => {
        const listing = await api<{ window: { examples: number } }>('/v1/models', {
          service: 'trainer',
        });
        return listing.window.examples >= 1_000 ? true : undefined;
      },
      { description: 'training examples in the window', timeoutMs: 120_000, intervalMs: 500 },
    ).catch((error: unknown) => {
      // Where the examples stopped shows in what the preprocessor and the trainer said last.
      const said = (name: ServiceName) =>
        `${name}:\n${services[name]?.output().slice(-4_000) ?? '(not started)'}`;
      throw new Error(`${String(error)}\n${said('preprocessor')}\n${said('trainer')}`);
    });
    for (let attempt = 1; ; attempt += 1) {
      const run = await api<{ status: string; version: string }>('/v1/models/train', {
        service: 'trainer',
        method: 'POST',
        headers: admin,
      });
      if (run.status === 'promoted') return run.version;
      if (attempt >= 3)
        throw new Error(`no champion after ${attempt} runs: ${JSON.stringify(run)}`);
    }
  }

  async function runExperiment(): Promise<void> {
    await api('/v1/experiments/console-ab', {
      service: 'scorer',
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'console-ab',
        description: 'champion model against popularity on the home page',
        status: 'running',
        arms: [
          { name: 'popularity', share: 0.5, strategy: { kind: 'popularity' } },
          { name: 'model', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
        ],
        controlArm: 'popularity',
        placements: ['home'],
        primaryMetric: 'ctr',
        guardrails: {
          minImpressionsPerArm: 100,
          minUsersPerArm: 50,
          maxConversionDrop: 0.05,
          alpha: 0.05,
        },
        autoPromote: false,
        startedAt: new Date().toISOString(),
      }),
    });
    // Shoppers see the home page; every third clicks the first item, every sixth buys it.
    const feedback: object[] = [];
    for (const [index, user] of storefront.users.slice(0, 30).entries()) {
      const served = await api<{
        requestId: string;
        arm: string;
        items: Array<{ itemId: string }>;
      }>(`/v1/recommendations/${user.userId}?k=5&placement=home`, { service: 'scorer' });
      const itemId = served.items[0]?.itemId;
      if (index % 3 !== 0 || itemId === undefined) continue;
      const base = { schemaVersion: 1, userId: user.userId, sessionId: `ab-${user.userId}` };
      const timestamp = new Date().toISOString();
      feedback.push({
        ...base,
        timestamp,
        eventId: `click-${served.requestId}`,
        eventType: 'recommendation_click',
        requestId: served.requestId,
        itemId,
        position: 0,
        arm: served.arm,
      });
      if (index % 6 === 0)
        feedback.push({
          ...base,
          timestamp,
          eventId: `buy-${served.requestId}`,
          eventType: 'purchase',
          orderId: `order-${served.requestId}`,
          currency: 'EUR',
          revenue: 20,
          items: [{ itemId, quantity: 1, price: 20 }],
        });
    }
    const posted = await fetch(`${url('collector')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body: JSON.stringify({ events: feedback }),
    });
    expect(posted.status).toBe(202);
  }

  /** Seconds since the suite started, per phase (the suite's runtime is watched). */
  const phase = (name: string) =>
    process.stdout.write(
      `console e2e: ${name} at ${Math.round((Date.now() - started) / 1000)} s\n`,
    );

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  const number = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

  it('shows live traffic, dead letters, the model registry, an experiment and a user', async () => {
    const replay = await replayRecords({
      collectorUrl: url('collector'),
      records: storefront.records(),
      writeKey: WRITE_KEY,
      batchSize: 300,
    });
    expect(replay.events.rejected).toBe(0);
    phase(`${replay.events.accepted} events replayed`);

    // Sign in, then the live page: events/s per type as a chart with non-zero points.
    await page.goto(url('console'));
    await page.fill('#token', ADMIN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('[data-testid=events-chart] svg.chart path.line');
    const maxima = await Promise.all(
      (await page.locator('[data-testid=events-chart] g.series').all()).map(async (series) =>
        Number(await series.getAttribute('data-max')),
      ),
    );
    expect(maxima.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...maxima)).toBeGreaterThan(0);
    const legendFigures = await page
      .locator('[data-testid=events-chart] .legend-figure')
      .allTextContents();
    expect(legendFigures.some((figure) => /[1-9][0-9,]* in 10 min/.test(figure))).toBe(true);

    // A bad event is refused by the collector and dead-lettered: its reason shows on the page.
    const bad = await fetch(`${url('collector')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body: JSON.stringify({ eventId: 'bad-1', schemaVersion: 1, eventType: 'product_view' }),
    });
    expect(bad.status).toBe(400);
    await page.waitForSelector('[data-testid=dead-letters] >> text=schema_violation', {
      timeout: 30_000,
    });
    await page.waitForSelector('[data-testid=quality-gate] .badge');
    expect(number(await page.textContent('[data-testid=dead-letters-total]'))).toBeGreaterThan(0);
    await screenshot('live');
    phase('live page checked');

    // Models: once a champion is trained it is named, and the metric chart marks it.
    const champion = await trainChampion();
    await page.click('nav a[data-view=models]');
    await page.waitForSelector(`[data-testid=champion] >> text=${champion}`);
    await page.waitForSelector('[data-testid=metric-chart] circle.point.champion');
    expect(await page.locator('[data-testid=versions] tbody tr').count()).toBeGreaterThan(0);
    await screenshot('models');
    phase('champion trained, models page checked');

    // Experiments: an A/B test whose impressions come back through the attribution consumer.
    await runExperiment();
    await page.click('nav a[data-view=experiments]');
    await page.waitForSelector('[data-experiment=console-ab] [data-testid=arms] tbody tr');
    await waitFor(
      async () => {
        await page.click('nav a[data-view=live]');
        await page.click('nav a[data-view=experiments]');
        const column = async (index: number) =>
          (
            await page
              .locator(
                `[data-experiment=console-ab] [data-testid=arms] tbody tr td:nth-child(${index})`,
              )
              .allTextContents()
          ).reduce((sum, text) => sum + number(text), 0);
        return (await column(4)) >= 30 && (await column(5)) >= 10 ? true : undefined;
      },
      {
        description: 'impressions and clicks attributed to the arms',
        timeoutMs: 60_000,
        intervalMs: 1_000,
      },
    );
    await page.waitForSelector('[data-experiment=console-ab] svg.interval-chart circle');
    await screenshot('experiments');
    phase('experiments page checked');

    // A user: features, recent items, events the console saw and the scorer's recommendations.
    const shopper = storefront.users[0]!.userId;
    await page.click('nav a[data-view=users]');
    await page.fill('#user-id', shopper);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('[data-testid=recommendations] tbody tr');
    const explanations = await page
      .locator('[data-testid=recommendations] .explanation')
      .allTextContents();
    expect(explanations.length).toBeGreaterThan(0);
    expect(explanations.every((text) => text.length > 0 && text !== '—')).toBe(true);
    // Served order, with the catalogue's titles beside the ids.
    const ranks = (
      await page.locator('[data-testid=recommendations] tbody tr td:nth-child(1)').allTextContents()
    ).map(Number);
    expect(ranks).toEqual(ranks.map((_, index) => index + 1));
    const titles = new Set(storefront.items.map((item) => item.title));
    const shown = await page
      .locator('[data-testid=recommendations] tbody tr td:nth-child(3)')
      .allTextContents();
    expect(shown.every((title) => titles.has(title))).toBe(true);
    expect(await page.locator('[data-testid=sequence] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=recent-events] tbody tr').count()).toBeGreaterThan(0);
    expect(
      number(await page.textContent('[data-testid=counts] tbody tr td:nth-child(2)')),
    ).toBeGreaterThan(0);
    await screenshot('users');

    // A phone's width, every page with its figures: nothing scrolls the page sideways.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const view of ['live', 'models', 'experiments', 'users']) {
      await page.click(`nav a[data-view=${view}]`);
      await page.waitForSelector(`#view > h1 + * > *`);
      if (view === 'users') {
        await page.fill('#user-id', shopper);
        await page.click('#lookup-form button[type=submit]');
        await page.waitForSelector('[data-testid=recommendations] tbody tr');
      }
      const layout = await pageLayout(page);
      expect({ view, width: layout.documentScrollWidth, navRows: layout.navRows }).toEqual({
        view,
        width: layout.viewportWidth,
        navRows: 1,
      });
      await screenshot(`${view}-phone`);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });

    // The scorer away: the lookup still shows the features, and says why the list is missing.
    await services.scorer!.stop();
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('[data-testid=recommendations-error] >> text=SCORER_UNREACHABLE');
    await page.waitForSelector('[data-testid=sequence] tbody tr');
    await screenshot('users-scorer-down');

    expect(browserErrors).toEqual([]);
  });
});
