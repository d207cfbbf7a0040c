/**
 * Short reasons shown next to a recommendation, written from the candidate's best evidence. Catalogue
 * text (titles, categories) is cleaned and shortened; the whole reason never exceeds 256 UTF-16 units,
 * the limit of `recommendedItemSchema.explanation`.
 */
import type { Evidence } from './candidates';
import { categoryLabel } from './category-sources';

export const MAX_EXPLANATION_LENGTH = 256;
/** Longest catalogue text quoted in a reason, in characters. */
const MAX_QUOTED_LENGTH = 80;

/** Whitespace and control characters collapsed, cut at `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const clean = text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const characters = Array.from(clean);
  if (characters.length <= max && clean.length <= max) return clean;
  let cut = characters.slice(0, Math.max(0, max - 1));
  while (cut.join('').length > max - 1) cut = cut.slice(0, -1);
  return `${cut.join('').trimEnd()}…`;
}

/** The reason for a generated candidate. `titleOf` gives an item's catalogue title, if known. */
export function explanationOf(
  evidence: Evidence,
  titleOf: (itemId: string) => string | undefined,
): string {
  switch (evidence.source) {
    case 'co_visitation':
      return viewedTogether(titleOf(evidence.anchorItemId));
    case 'category_affinity':
    case 'context_category':
      return finish(`Popular in ${quote(categoryLabel(evidence.category))}`);
    case 'trending':
      return 'Trending today';
    case 'exploration':
      return 'New arrival';
    case 'popular':
      return 'Popular right now';
  }
}

/** The reason for a re-ranked item that lies in one of the user's favourite categories. */
export function interestExplanation(category: string): string {
  return finish(`Matches your interest in ${quote(categoryLabel(category))}`);
}

function viewedTogether(title: string | undefined): string {
  const quoted = title === undefined ? '' : quote(title);
  return quoted === ''
    ? 'Viewed together with an item you viewed'
    : finish(`Viewed together with ${quoted}`);
}

function quote(text: string): string {
  return shorten(text, MAX_QUOTED_LENGTH);
}

function finish(text: string): string {
  return shorten(text, MAX_EXPLANATION_LENGTH);
}
