/** Small DOM helpers: elements built with properties and children (never HTML strings), formatting. */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined>;

/** An HTML element; attributes set only when defined (`true` → empty attribute). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * A table from a header row and body rows, in its own horizontal scroll box: a table wider than a
 * narrow screen scrolls by itself instead of widening the page. `attributes` go on the table.
 */
export function table(
  headers: readonly Child[],
  rows: ReadonlyArray<readonly Child[]>,
  attributes: Attributes = {},
): HTMLElement {
  return el(
    'div',
    { class: 'table-scroll' },
    el(
      'table',
      attributes,
      el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { scope: 'col' }, header)))),
      el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
    ),
  );
}

export function card(title: string, body: Child, attributes: Attributes = {}): HTMLElement {
  return el(
    'div',
    { ...attributes, class: `card ${String(attributes['class'] ?? '')}`.trim() },
    el('div', { class: 'card-title' }, title),
    el('div', { class: 'card-body' }, body),
  );
}

export function badge(text: string, kind: string): HTMLElement {
  return el('span', { class: `badge badge-${kind}` }, text);
}

/** A section that could not be read: the reason, never a blank. */
export function unavailable(what: string, error: { code: string; message: string }): HTMLElement {
  return el(
    'div',
    { class: 'unavailable', role: 'alert' },
    el('strong', {}, `${what} unavailable`),
    ` (${error.code}): ${error.message}`,
  );
}

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const preciseFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 4 });

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatPrecise(value: number): string {
  return preciseFormat.format(value);
}

/** With a no-break space: a figure and its sign never part at a line end. */
export function formatPercent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}\u00a0%`;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB');
}

export function timeAgo(iso: string | null, nowMs = Date.now()): string {
  if (iso === null) return 'never';
  const ms = nowMs - Date.parse(iso);
  return ms < 0 ? 'just now' : `${formatDuration(ms)} ago`;
}
