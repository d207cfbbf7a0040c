/** Context of an event: local hour of day, day of week and device class. */
import { deviceTypes, type StorefrontEvent } from '@recsys/contracts';

export interface ContextFeatures {
  hourOfDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  dayOfWeek: number;
  device: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Intl formatters are expensive to build: one per time zone, reused. */
const formatters = new Map<string, Intl.DateTimeFormat | undefined>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  if (!formatters.has(timeZone)) {
    try {
      formatters.set(
        timeZone,
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hour: 'numeric',
          hourCycle: 'h23',
          weekday: 'short',
        }),
      );
    } catch {
      formatters.set(timeZone, undefined); // unknown zone: fall back to UTC
    }
  }
  return formatters.get(timeZone);
}

export function contextOf(event: Pick<StorefrontEvent, 'timestamp' | 'context'>): ContextFeatures {
  const date = new Date(event.timestamp);
  const device = event.context?.device?.type ?? 'other';
  const zone = event.context?.timeZone;
  const local = zone === undefined ? undefined : formatterFor(zone);
  return { ...(local === undefined ? utcTimeOf(date) : localTimeOf(local, date)), device };
}

function utcTimeOf(date: Date): Pick<ContextFeatures, 'hourOfDay' | 'dayOfWeek'> {
  return { hourOfDay: date.getUTCHours(), dayOfWeek: date.getUTCDay() };
}

function localTimeOf(
  formatter: Intl.DateTimeFormat,
  date: Date,
): Pick<ContextFeatures, 'hourOfDay' | 'dayOfWeek'> {
  const parts = formatter.formatToParts(date);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  const weekday = WEEKDAYS.indexOf(parts.find((part) => part.type === 'weekday')?.value ?? '');
  if (!Number.isInteger(hour) || weekday < 0) return utcTimeOf(date);
  return { hourOfDay: hour % 24, dayOfWeek: weekday };
}

export const knownDevices = deviceTypes;
