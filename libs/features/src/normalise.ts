/**
 * Normalisation applied before features are computed, so equal facts look equal: currency codes in upper
 * case, category path segments trimmed with inner whitespace collapsed, free text trimmed.
 */
import type { StorefrontEvent } from '@recsys/contracts';

const collapse = (text: string): string => text.trim().replace(/\s+/g, ' ');

export function normaliseCategoryPath(path: readonly string[]): string[] {
  return path.map(collapse).filter((segment) => segment !== '');
}

export function normaliseCurrency(currency: string): string {
  return currency.trim().toUpperCase();
}

export function normaliseEvent(event: StorefrontEvent): StorefrontEvent {
  const copy: Record<string, unknown> = { ...event };
  if (typeof copy['currency'] === 'string') copy['currency'] = normaliseCurrency(copy['currency']);
  if (Array.isArray(copy['categoryPath']))
    copy['categoryPath'] = normaliseCategoryPath(copy['categoryPath'] as string[]);
  if (typeof copy['query'] === 'string') copy['query'] = collapse(copy['query']);
  if (typeof copy['text'] === 'string') copy['text'] = copy['text'].trim();
  if (typeof copy['title'] === 'string') copy['title'] = collapse(copy['title']);
  return copy as StorefrontEvent;
}
