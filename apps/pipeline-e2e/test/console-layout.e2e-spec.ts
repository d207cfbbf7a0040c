/**
 * The console as a new user's first minutes leave it, in headless Chromium at desktop and phone widths
 * (collector, preprocessor, scorer and console, each its own process on real Kafka and Redis; no
 * model yet): a small storefront replayed twice (the second pass all duplicates) into a window the
 * quality gate does not judge (minimum volume set out of reach) — the gate must say "not judged", never
 * "ok", however far a share is over its threshold; the user lookup shows the recommendations in served
 * order with their titles and says what the score is; at 375 px no page scrolls sideways and the header
 * keeps its views' links on one row.
 * Screenshots of every page at both widths go to `test-artifacts/console-layout/` (not committed).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { generateStorefront, replayRecords, type DatasetRecord } from '@recsys/datasets';
import { stateLimits } from '@recsys/features';
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
import { launchChromium, pageLayout, scrollsSideways } from './support/browser';

const SECRET = 'e2e-layout-pseudonymisation-secret';
const WRITE_KEY = 'e2e-layout-write-key-0123456789';
const ADMIN = 'e2e-layout-admin-token-0123456789';
const DAY_MS = 86_400_000;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console-layout');
const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 375, height: 812 };
/** Brand, status and sign-out on one row, the views' links on a second: no taller. */
const PHONE_HEADER_MAX_PX = 90;

const storefront = generateStorefront({
  seed: 7,
  users: 30,
  items: 80,
  categories: 6,
  days: 2,
  sessionsPerUserPerDay: 1.5,
  loggedOutShare: 0,
  startTime: new Date(Date.now() - 2 * DAY_MS - 3_600_000).toISOString(),
});

describe('the console at desktop and phone widths, before any model', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('e2e-console-layout');
  const shared = { ...serviceEnv(environment, namespace), LOG_LEVEL: 'warn', ADMIN_TOKEN: ADMIN };
  const services: Partial<Record<ServiceName, ServiceProcess>> = {};
  const url = (name: ServiceName) => services[name]!.url;
  const browserErrors: string[] = [];
  let browser: Browser;
  let page: Page;

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
      buildServices(['collector', 'preprocessor', 'scorer', 'console']),
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
      // Out of reach: every window stays below the minimum volume, however the replay falls into them.
      start('preprocessor', {
        PREPROCESSOR_QUALITY_MIN_EVENTS: '1000000',
        // One window for the whole test (a day, aligned to UTC midnight): the replay's stays current.
        PREPROCESSOR_QUALITY_WINDOW_SECONDS: '86400',
      }),
      start('scorer', { SCORER_PSEUDONYMISATION_SECRET: SECRET }),
    ]);
    await start('console', { SCORER_URL: url('scorer'), CONSOLE_PSEUDONYMISATION_SECRET: SECRET });
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserErrors.push(`page: ${error.message}`));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(services).map((service) => service?.stop()));
  });

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** Each shopper's newest events, as many as the preprocessor drops when posted again. */
  function latestPerShopper(): DatasetRecord[] {
    const perShopper = new Map<string, DatasetRecord[]>();
    for (const record of storefront.records()) {
      if (record.kind !== 'event') continue;
      const shopper = record.event.userId ?? record.event.anonymousId ?? '';
      perShopper.set(shopper, [...(perShopper.get(shopper) ?? []), record]);
    }
    return [...perShopper.values()].flatMap((own) => own.slice(-stateLimits.dedupeWindowEvents));
  }

  /** Opens a view through its nav link and waits for its content. */
  async function open(view: string, ready: string): Promise<void> {
    await page.click(`nav a[data-view=${view}]`);
    await page.waitForSelector(ready);
  }

  async function lookUpShopper(): Promise<void> {
    await page.fill('#user-id', storefront.users[0]!.userId);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('[data-testid=recommendations] tbody tr');
  }

  it('says the gate did not judge a small window, even with a share far over its threshold', async () => {
    // Once, then each shopper's newest events (within the re-post window) twice more: every event of
    // the later passes is a duplicate (about half the window, threshold 20 %).
    const passes = [[...storefront.records()], latestPerShopper(), latestPerShopper()];
    for (const records of passes) {
      const replay = await replayRecords({
        collectorUrl: url('collector'),
        records,
        writeKey: WRITE_KEY,
        batchSize: 300,
      });
      expect(replay.events.rejected).toBe(0);
    }
    await page.goto(url('console'));
    await page.fill('#token', ADMIN);
    await page.click('#login-form button[type=submit]');
    const duplicates = await waitFor(
      async () => {
        const cells = await page
          .locator('[data-testid=quality-table] tbody tr', { hasText: 'duplicate' })
          .locator('td')
          .allTextContents();
        const share = Number.parseFloat(cells[1] ?? '');
        return share >= 45 ? cells : undefined;
      },
      { description: 'the duplicates of the second pass on the page', timeoutMs: 60_000 },
    );
    expect(duplicates[2]).toMatch(/^20\.00\s%$/);
    expect(duplicates[3]).toBe('not judged');
    const judgements = await page
      .locator('[data-testid=quality-table] tbody tr td:nth-child(4)')
      .allTextContents();
    expect(judgements).toEqual(['not judged', 'not judged', 'not judged', 'not judged']);
    expect(await page.locator('[data-testid=quality-table] .badge-good').count()).toBe(0);
    expect(await page.getAttribute('[data-testid=quality-gate]', 'data-judgement')).toBe(
      'not_judged',
    );
    expect(await page.textContent('[data-testid=quality-gate]')).toMatch(
      /^NOT JUDGED [\d,]+ of 1,000,000 events$/,
    );
    await screenshot('live-desktop');
  });

  it('shows the recommendations in served order, with titles and what the score means', async () => {
    await open('users', '#lookup-form');
    await waitFor(
      async () => {
        await lookUpShopper();
        return (await page.locator('[data-testid=recommendations] tbody tr').count()) >= 5
          ? true
          : undefined;
      },
      { description: 'recommendations for the shopper', timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const table = page.locator('[data-testid=recommendations] table');
    const ranks = (await table.locator('tbody tr td:nth-child(1)').allTextContents()).map(Number);
    expect(ranks).toEqual(ranks.map((_, index) => index + 1));
    const titles = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    const catalogue = new Set(storefront.items.map((item) => item.title));
    expect(titles.every((title) => catalogue.has(title))).toBe(true);
    expect(await table.locator('thead th').allTextContents()).toEqual([
      '#',
      'item',
      'title',
      'score before re-ranking',
      'source',
      'why',
    ]);
    expect(await table.locator('thead abbr').getAttribute('title')).toMatch(/before the diversity/);
    await screenshot('users-desktop');
    expect(browserErrors).toEqual([]);
  });

  it('fits every page into a phone’s width, the header’s links on one row', async () => {
    await page.setViewportSize(PHONE);
    const views = [
      ['live', '[data-testid=quality-table]'],
      ['models', '.models > *'],
      ['experiments', '.experiments > *'],
      ['users', '#lookup-form'],
    ] as const;
    for (const [view, ready] of views) {
      await open(view, ready);
      if (view === 'users') await lookUpShopper();
      const layout = await pageLayout(page);
      expect({ view, ...layout }).toMatchObject({
        view,
        documentScrollWidth: layout.viewportWidth,
        brokenNavLinks: [],
        navRows: 1,
      });
      expect(layout.headerHeight).toBeLessThanOrEqual(PHONE_HEADER_MAX_PX);
      await screenshot(`${view}-phone`);
    }
    // The wide tables scroll inside their own box instead.
    expect(await scrollsSideways(page, '[data-testid=recommendations] .table-scroll')).toBe(true);
    expect(browserErrors).toEqual([]);
  });
});
