/**
 * Turns a simulated shopper's actions into contract events: envelope, device/locale context, page URL,
 * and a session clock that advances by a realistic dwell time after each event.
 */
import type { PageViewV1, StorefrontEvent } from '@recsys/contracts';
import type { SyntheticItem } from './catalog';
import type { SessionOutcome, SessionPlan, SimulationWorld } from './session';
import { REVIEW_PHRASES } from './vocabulary';

export interface SearchInput {
  query: string;
  results: SyntheticItem[];
  resultCount: number;
  filters?: Record<string, string>;
}

export interface ListSource {
  listId: string;
  position: number;
}

type EnvelopeKey =
  'eventId' | 'schemaVersion' | 'userId' | 'anonymousId' | 'sessionId' | 'timestamp' | 'context';
type EventBody = StorefrontEvent extends infer Event
  ? Event extends unknown
    ? Omit<Event, EnvelopeKey>
    : never
  : never;

const SHOP_URL = 'https://shop.example';
// Dwell between two events: median 25 s; capped below the 30-minute session gap.
const DWELL_MEDIAN_MS = 25_000;
const DWELL_SIGMA = 0.8;
const DWELL_MIN_MS = 2_000;
const DWELL_MAX_MS = 20 * 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RATING_DELAY_DAYS = 7;

export class SessionRecorder {
  private clockMs: number;
  private eventCount = 0;
  private readonly events: StorefrontEvent[] = [];
  private readonly later: StorefrontEvent[] = [];
  private readonly sessionId: string;

  constructor(
    private readonly world: SimulationWorld,
    private readonly plan: SessionPlan,
  ) {
    this.clockMs = plan.startMs;
    this.sessionId = `syn-${world.seed}-s${plan.sessionNumber}`;
  }

  pageView(fields: Pick<PageViewV1, 'pageType' | 'categoryPath'>): void {
    const path =
      fields.categoryPath === undefined ? '' : `c/${fields.categoryPath.map(slug).join('/')}`;
    const page =
      fields.pageType === 'home' || fields.pageType === 'category' ? path : fields.pageType;
    this.record({ eventType: 'page_view', ...fields }, `${SHOP_URL}/${page}`);
  }

  productView(item: SyntheticItem, source?: ListSource): void {
    this.record(
      {
        eventType: 'product_view',
        itemId: item.itemId,
        price: item.price,
        currency: this.world.currency,
        categoryPath: [...item.upsert.categoryPath],
        ...(source === undefined ? {} : { source }),
      },
      productUrl(item),
    );
  }

  /** Records a search and returns its event id, which identifies the result list. */
  search(input: SearchInput): string {
    return this.record(
      {
        eventType: 'search',
        query: input.query,
        resultItemIds: input.results.map((item) => item.itemId),
        resultCount: input.resultCount,
        ...(input.filters === undefined ? {} : { filters: input.filters }),
        page: 1,
      },
      `${SHOP_URL}/search?q=${encodeURIComponent(input.query)}`,
    );
  }

  addToCart(item: SyntheticItem, quantity: number): void {
    const body: EventBody = {
      eventType: 'add_to_cart',
      itemId: item.itemId,
      quantity,
      price: item.price,
      currency: this.world.currency,
    };
    this.record(body, productUrl(item));
  }

  removeFromCart(item: SyntheticItem, quantity: number): void {
    this.record(
      { eventType: 'remove_from_cart', itemId: item.itemId, quantity },
      `${SHOP_URL}/cart`,
    );
  }

  share(
    item: SyntheticItem,
    channel: 'email' | 'facebook' | 'x' | 'whatsapp' | 'pinterest' | 'copy_link',
  ): void {
    this.record({ eventType: 'share', itemId: item.itemId, channel }, productUrl(item));
  }

  purchase(lines: { item: SyntheticItem; quantity: number }[]): void {
    // Sum in cents: the contract checks revenue against the lines within one cent.
    const revenueCents = lines.reduce(
      (sum, line) => sum + line.quantity * Math.round(line.item.price * 100),
      0,
    );
    this.record(
      {
        eventType: 'purchase',
        orderId: `syn-${this.world.seed}-o${this.plan.sessionNumber}`,
        items: lines.map((line) => ({
          itemId: line.item.itemId,
          quantity: line.quantity,
          price: line.item.price,
        })),
        currency: this.world.currency,
        revenue: revenueCents / 100,
      },
      `${SHOP_URL}/checkout/complete`,
    );
  }

  /** A rating (or a review) of a bought item, written one to seven days after the session. */
  rateLater(input: { item: SyntheticItem; stars: number; withText: boolean }): void {
    const random = this.world.random;
    const timeMs =
      this.clockMs + DAY_MS * (1 + random.int(MAX_RATING_DELAY_DAYS)) + random.int(DAY_MS / 2);
    const sessionId = `${this.sessionId}-r${this.later.length + 1}`;
    const body: EventBody = input.withText
      ? {
          eventType: 'review',
          itemId: input.item.itemId,
          stars: input.stars,
          ...reviewText(input.item, input.stars, random.next()),
        }
      : { eventType: 'rating', itemId: input.item.itemId, rating: input.stars };
    const envelope = {
      ...this.envelope(timeMs, `${productUrl(input.item)}#reviews`),
      sessionId,
      userId: this.plan.user.userId,
    };
    this.later.push({ ...envelope, ...body });
  }

  outcome(): SessionOutcome {
    return { events: this.events, later: this.later, endMs: this.clockMs };
  }

  private record(body: EventBody, pageUrl: string): string {
    const event = { ...this.envelope(this.clockMs, pageUrl), ...body } as StorefrontEvent;
    this.events.push(event);
    const dwell = this.world.random.logNormal(DWELL_MEDIAN_MS, DWELL_SIGMA);
    this.clockMs += Math.round(Math.min(DWELL_MAX_MS, Math.max(DWELL_MIN_MS, dwell)));
    return event.eventId;
  }

  private envelope(timeMs: number, pageUrl: string) {
    const { user, loggedIn, sessionNumber } = this.plan;
    this.eventCount += 1;
    return {
      eventId: `syn-${this.world.seed}-${sessionNumber}-${this.eventCount}`,
      schemaVersion: 1 as const,
      ...(loggedIn ? { userId: user.userId } : {}),
      anonymousId: user.anonymousId,
      sessionId: this.sessionId,
      timestamp: new Date(timeMs).toISOString(),
      context: {
        device: { ...user.device },
        locale: user.locale.locale,
        timeZone: user.locale.timeZone,
        page: { url: pageUrl },
      },
    };
  }
}

function slug(name: string): string {
  return encodeURIComponent(
    name
      .toLowerCase()
      .replace(/&/g, 'and')
      .replace(/[^a-z0-9]+/g, '-'),
  );
}

function productUrl(item: SyntheticItem): string {
  return `${SHOP_URL}/p/${item.itemId}`;
}

function reviewText(
  item: SyntheticItem,
  stars: number,
  draw: number,
): { title: string; text: string } {
  const tone = stars >= 4 ? 'good' : stars === 3 ? 'mixed' : 'bad';
  const phrases = REVIEW_PHRASES[tone];
  const phrase = phrases[Math.floor(draw * phrases.length)] ?? phrases[0] ?? '';
  const title = tone === 'good' ? 'Recommended' : tone === 'mixed' ? 'It is okay' : 'Not happy';
  return { title, text: `${phrase} (${item.upsert.title})` };
}
