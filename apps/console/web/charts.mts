/** SVG charts drawn with DOM calls (no library, no inline styles: colours are presentation attributes). */
import { el, svg } from './dom.mjs';

export const PALETTE = [
  '#2f6fb3',
  '#d9822b',
  '#3a9a5b',
  '#c23b4e',
  '#7b5ea7',
  '#1b9aaa',
  '#a0782b',
  '#d45fa0',
  '#5c6b7a',
  '#8cb33a',
  '#e0b81f',
  '#4b4bb0',
];

export interface LinePoint {
  x: number;
  y: number;
  /** Tooltip of the point (an SVG <title>). */
  label?: string;
  /** Extra class of the point's marker (e.g. `champion`). */
  className?: string;
}

export interface LineSeries {
  name: string;
  points: LinePoint[];
  dashed?: boolean;
  /** Draw a marker on every point. @default false */
  markers?: boolean;
}

export interface LineChartOptions {
  title: string;
  series: LineSeries[];
  xFormat: (x: number) => string;
  yFormat: (y: number) => string;
  /** @default 760 × 260 (the SVG scales to its container) */
  width?: number;
  height?: number;
  /** Start the y axis at zero. @default true */
  zeroBased?: boolean;
  /** Half the x range shown around a single x value (e.g. an hour of ms). @default 1 */
  singleXPadding?: number;
}

const MARGIN = { left: 64, right: 16, top: 12, bottom: 30 };

interface Scale {
  x: (value: number) => number;
  y: (value: number) => number;
  xDomain: [number, number];
  yDomain: [number, number];
}

export function lineChart(options: LineChartOptions): SVGSVGElement {
  const width = options.width ?? 760;
  const height = options.height ?? 260;
  const points = options.series.flatMap((series) => series.points);
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': options.title,
    'data-points': points.length,
  });
  if (points.length === 0) {
    chart.append(
      svg(
        'text',
        { x: width / 2, y: height / 2, class: 'empty', 'text-anchor': 'middle' },
        'no data yet',
      ),
    );
    return chart;
  }
  const scale = scaleOf(points, {
    width,
    height,
    zeroBased: options.zeroBased ?? true,
    singleXPadding: options.singleXPadding ?? 1,
  });
  chart.append(axes(scale, { width, height, xFormat: options.xFormat, yFormat: options.yFormat }));
  options.series.forEach((series, index) => chart.append(seriesGroup(series, index, scale)));
  return chart;
}

function scaleOf(
  points: LinePoint[],
  frame: { width: number; height: number; zeroBased: boolean; singleXPadding: number },
): Scale {
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  if (xMin === xMax) [xMin, xMax] = [xMin - frame.singleXPadding, xMax + frame.singleXPadding];
  const rawMin = frame.zeroBased ? Math.min(0, ...ys) : Math.min(...ys);
  let rawMax = Math.max(...ys);
  if (rawMax === rawMin) rawMax = rawMin + (rawMin === 0 ? 1 : Math.abs(rawMin) * 0.1);
  const step = niceStep((rawMax - rawMin) / 4);
  const yMin = frame.zeroBased
    ? Math.min(0, Math.floor(rawMin / step) * step)
    : Math.floor(rawMin / step) * step;
  const yMax = Math.ceil(rawMax / step) * step;
  const plotWidth = frame.width - MARGIN.left - MARGIN.right;
  const plotHeight = frame.height - MARGIN.top - MARGIN.bottom;
  return {
    x: (value) => MARGIN.left + ((value - xMin) / (xMax - xMin)) * plotWidth,
    y: (value) => MARGIN.top + (1 - (value - yMin) / (yMax - yMin)) * plotHeight,
    xDomain: [xMin, xMax],
    yDomain: [yMin, yMax],
  };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function axes(
  scale: Scale,
  frame: {
    width: number;
    height: number;
    xFormat: (x: number) => string;
    yFormat: (y: number) => string;
  },
): SVGGElement {
  const group = svg('g', { class: 'axes' });
  const [yMin, yMax] = scale.yDomain;
  const yStep = niceStep((yMax - yMin) / 4);
  for (let value = yMin; value <= yMax + yStep / 1e6; value += yStep) {
    const y = scale.y(value);
    group.append(
      svg('line', { x1: MARGIN.left, x2: frame.width - MARGIN.right, y1: y, y2: y, class: 'grid' }),
      svg(
        'text',
        { x: MARGIN.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' },
        frame.yFormat(value),
      ),
    );
  }
  const [xMin, xMax] = scale.xDomain;
  const ticks = 5;
  let previous = '';
  for (let index = 0; index <= ticks; index += 1) {
    const value = xMin + ((xMax - xMin) * index) / ticks;
    const anchor = index === 0 ? 'start' : index === ticks ? 'end' : 'middle';
    // A short range repeats labels at the format's resolution: each is shown once.
    const label = frame.xFormat(value);
    if (label === previous) continue;
    previous = label;
    group.append(
      svg(
        'text',
        { x: scale.x(value), y: frame.height - 8, 'text-anchor': anchor, class: 'tick' },
        label,
      ),
    );
  }
  const bottom = frame.height - MARGIN.bottom;
  group.append(
    svg('line', {
      x1: MARGIN.left,
      x2: frame.width - MARGIN.right,
      y1: bottom,
      y2: bottom,
      class: 'axis',
    }),
  );
  return group;
}

function seriesGroup(series: LineSeries, index: number, scale: Scale): SVGGElement {
  const colour = PALETTE[index % PALETTE.length]!;
  const group = svg('g', {
    class: 'series',
    'data-series': series.name,
    'data-max': Math.max(...series.points.map((point) => point.y)),
  });
  const sorted = [...series.points].sort((a, b) => a.x - b.x);
  if (sorted.length > 1) {
    const d = sorted
      .map(
        (point, position) =>
          `${position === 0 ? 'M' : 'L'}${scale.x(point.x).toFixed(1)},${scale.y(point.y).toFixed(1)}`,
      )
      .join(' ');
    group.append(
      svg('path', {
        d,
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
        'stroke-dasharray': series.dashed ? '5 4' : undefined,
        class: 'line',
      }),
    );
  }
  for (const point of sorted) {
    if (series.markers || sorted.length === 1 || point.className !== undefined)
      group.append(marker(point, colour, scale));
  }
  return group;
}

function marker(point: LinePoint, colour: string, scale: Scale): SVGCircleElement {
  return svg(
    'circle',
    {
      cx: scale.x(point.x).toFixed(1),
      cy: scale.y(point.y).toFixed(1),
      r: point.className === 'champion' ? 6 : 3.5,
      fill: point.className === 'rejected' ? '#fff' : colour,
      stroke: colour,
      'stroke-width': 1.5,
      class: `point ${point.className ?? ''}`.trim(),
      'data-value': point.y,
    },
    point.label === undefined ? null : svg('title', {}, point.label),
  );
}

/** The chart's key: a swatch and a name per series, with an optional figure. */
export function legend(entries: ReadonlyArray<{ name: string; figure?: string }>): HTMLElement {
  return el(
    'ul',
    { class: 'legend' },
    ...entries.map((entry, index) =>
      el(
        'li',
        { 'data-series': entry.name },
        swatch(PALETTE[index % PALETTE.length]!),
        el('span', { class: 'legend-name' }, entry.name),
        entry.figure === undefined ? null : el('span', { class: 'legend-figure' }, entry.figure),
      ),
    ),
  );
}

function swatch(colour: string): SVGSVGElement {
  return svg(
    'svg',
    { viewBox: '0 0 12 12', class: 'swatch', 'aria-hidden': 'true' },
    svg('rect', { width: 12, height: 12, rx: 2, fill: colour }),
  );
}

export interface IntervalRow {
  name: string;
  estimate: number;
  lower: number;
  upper: number;
  highlight?: boolean;
}

/** Estimates with their intervals, one row each, on a shared scale from 0. */
export function intervalChart(
  title: string,
  rows: IntervalRow[],
  format: (value: number) => string,
): SVGSVGElement {
  const width = 520;
  const rowHeight = 26;
  const left = 140;
  const right = 70;
  const height = rows.length * rowHeight + 8;
  const max = Math.max(1e-9, ...rows.map((row) => row.upper)) * 1.05;
  const x = (value: number) => left + (Math.max(0, value) / max) * (width - left - right);
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart interval-chart',
    role: 'img',
    'aria-label': title,
  });
  rows.forEach((row, index) => {
    const y = index * rowHeight + rowHeight / 2 + 4;
    const colour = row.highlight ? PALETTE[1]! : PALETTE[0]!;
    chart.append(
      svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end', class: 'tick' }, row.name),
      svg('line', {
        x1: x(row.lower),
        x2: x(row.upper),
        y1: y,
        y2: y,
        stroke: colour,
        'stroke-width': 3,
        class: 'interval',
      }),
      svg(
        'circle',
        { cx: x(row.estimate), cy: y, r: 5, fill: colour, class: 'point' },
        svg(
          'title',
          {},
          `${row.name}: ${format(row.estimate)} [${format(row.lower)}, ${format(row.upper)}]`,
        ),
      ),
      svg('text', { x: width - right + 6, y: y + 4, class: 'tick' }, format(row.estimate)),
    );
  });
  return chart;
}
