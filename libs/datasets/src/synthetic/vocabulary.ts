/**
 * Names and shapes the synthetic storefront draws from: departments with typical prices, brand syllables,
 * shopper contexts and the hour-of-day traffic curve. Plain data, no logic.
 */
import type { EventContext } from '@recsys/contracts';

export interface Department {
  name: string;
  /** Typical item price in the major currency unit; item prices spread log-normally around it. */
  medianPrice: number;
  leaves: readonly string[];
}

export const DEPARTMENTS: readonly Department[] = [
  {
    name: 'Electronics',
    medianPrice: 180,
    leaves: ['Headphones', 'Smartphones', 'Laptops', 'Cameras', 'Smartwatches', 'Speakers'],
  },
  {
    name: 'Home & Kitchen',
    medianPrice: 45,
    leaves: ['Cookware', 'Coffee Makers', 'Bedding', 'Lamps', 'Storage', 'Tableware'],
  },
  {
    name: 'Fashion',
    medianPrice: 40,
    leaves: ['Sneakers', 'Jackets', 'Dresses', 'Jeans', 'Bags', 'Watches'],
  },
  {
    name: 'Sports & Outdoors',
    medianPrice: 55,
    leaves: ['Running', 'Cycling', 'Camping', 'Fitness', 'Swimming', 'Climbing'],
  },
  {
    name: 'Beauty',
    medianPrice: 22,
    leaves: ['Skin Care', 'Fragrances', 'Make-up', 'Hair Care', 'Shaving', 'Nail Care'],
  },
  {
    name: 'Books',
    medianPrice: 15,
    leaves: ['Fiction', 'Cookbooks', 'Travel Guides', 'Comics', 'Science', "Children's Books"],
  },
  {
    name: 'Toys & Games',
    medianPrice: 30,
    leaves: ['Board Games', 'Puzzles', 'Building Sets', 'Dolls', 'Outdoor Toys', 'Video Games'],
  },
  {
    name: 'Garden',
    medianPrice: 35,
    leaves: [
      'Plants',
      'Garden Tools',
      'Garden Furniture',
      'Grills',
      'Outdoor Lighting',
      'Irrigation',
    ],
  },
];

export const BRAND_HEADS = [
  'Ac',
  'Bel',
  'Cor',
  'Dun',
  'El',
  'Fen',
  'Gal',
  'Hal',
  'Ix',
  'Jor',
  'Kal',
  'Lum',
  'Mar',
  'Nor',
  'Or',
  'Pel',
  'Quin',
  'Ros',
  'Sol',
  'Tor',
  'Ul',
  'Ver',
  'Wex',
  'Zen',
];
export const BRAND_TAILS = [
  'ma',
  'ton',
  'ex',
  'ora',
  'ik',
  'ly',
  'on',
  'ara',
  'is',
  'ux',
  'en',
  'ia',
];

export const COLORS = ['black', 'white', 'grey', 'blue', 'red', 'green', 'beige', 'navy'];

export interface Locale {
  locale: string;
  timeZone: string;
  /** Standard-time offset; daylight saving is ignored, only the shape of the day matters here. */
  utcOffsetHours: number;
  /** Share of shoppers. */
  weight: number;
}

export const LOCALES: readonly Locale[] = [
  { locale: 'en-GB', timeZone: 'Europe/London', utcOffsetHours: 0, weight: 3 },
  { locale: 'de-DE', timeZone: 'Europe/Berlin', utcOffsetHours: 1, weight: 4 },
  { locale: 'fr-FR', timeZone: 'Europe/Paris', utcOffsetHours: 1, weight: 3 },
  { locale: 'es-ES', timeZone: 'Europe/Madrid', utcOffsetHours: 1, weight: 2 },
  { locale: 'it-IT', timeZone: 'Europe/Rome', utcOffsetHours: 1, weight: 2 },
  { locale: 'pl-PL', timeZone: 'Europe/Warsaw', utcOffsetHours: 1, weight: 1 },
  { locale: 'nl-NL', timeZone: 'Europe/Amsterdam', utcOffsetHours: 1, weight: 1 },
];

type Device = NonNullable<EventContext['device']>;

export const DEVICES: readonly { device: Device; weight: number }[] = [
  { device: { type: 'mobile', os: 'Android', browser: 'Chrome' }, weight: 30 },
  { device: { type: 'mobile', os: 'iOS', browser: 'Safari' }, weight: 25 },
  { device: { type: 'desktop', os: 'Windows', browser: 'Chrome' }, weight: 20 },
  { device: { type: 'desktop', os: 'macOS', browser: 'Safari' }, weight: 9 },
  { device: { type: 'desktop', os: 'Windows', browser: 'Edge' }, weight: 5 },
  { device: { type: 'desktop', os: 'Linux', browser: 'Firefox' }, weight: 2 },
  { device: { type: 'tablet', os: 'iPadOS', browser: 'Safari' }, weight: 6 },
  { device: { type: 'app', os: 'Android' }, weight: 3 },
];

/** Relative traffic per local hour 0..23: quiet nights, a lunch bump and the evening peak. */
export const HOUR_WEIGHTS = [
  1.0, 0.6, 0.35, 0.25, 0.25, 0.35, 0.7, 1.3, 1.9, 2.2, 2.4, 2.6, 2.9, 2.7, 2.5, 2.5, 2.7, 3.1, 3.6,
  4.2, 4.5, 4.1, 3.0, 1.9,
];

export const SHARE_CHANNELS = [
  'whatsapp',
  'email',
  'facebook',
  'copy_link',
  'x',
  'pinterest',
] as const;

export const REVIEW_PHRASES: Readonly<Record<'good' | 'mixed' | 'bad', readonly string[]>> = {
  good: [
    'Exactly what I hoped for.',
    'Great quality for the price.',
    'Would buy again.',
    'Arrived quickly and works perfectly.',
  ],
  mixed: [
    'Does the job, nothing special.',
    'Good, but the price is a bit high.',
    'Fine overall, sizing runs small.',
  ],
  bad: ['Disappointed with the quality.', 'Stopped working after a week.', 'Not as described.'],
};
