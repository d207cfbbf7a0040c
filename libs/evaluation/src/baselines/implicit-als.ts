/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) fitted by alternating least
 * squares: preference 1 for every observed (user, item), confidence 1 + alpha·r where r is the summed
 * interaction weight. Users are not looked up at query time but folded in from the history (one
 * regularised least-squares solve against the item factors), so a session-only dataset, a new user and
 * a test-period history are handled the same way and nothing after the training cut is needed.
 */
import type { RankingInput } from '@recsys/recommendation';
import type { Interaction } from '../interactions';
import { seededUniform } from '../random';
import { ItemIndex, topIndices, type FullRanker } from './full-ranker';
import {
  addOuter,
  addScaled,
  dot,
  dotAt,
  gram,
  multiplyInto,
  solveSymmetric,
} from './linear-algebra';

export interface ImplicitAlsOptions {
  /** Latent dimensions. @default 32 */
  factors?: number;
  /** Alternations (users then items). @default 10 */
  iterations?: number;
  /** Ridge on every factor vector. @default 0.1 */
  regularization?: number;
  /** Confidence slope: c = 1 + alpha · r. @default 20 */
  alpha?: number;
  /** Fold-in weight of the i-th most recent history item: historyDecay^i (1 = all alike). @default 0.8 */
  historyDecay?: number;
  /** History items used for fold-in. @default 50 */
  historyItems?: number;
  /** @default 1 */
  seed?: number;
}

/** A sparse matrix in compressed rows: row r's entries are columns[starts[r]..starts[r+1]). */
interface SparseRows {
  starts: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

export class ImplicitAlsModel implements FullRanker {
  readonly kind = 'implicit_als';
  readonly version: string;
  private readonly itemGram: Float64Array;

  private constructor(
    private readonly index: ItemIndex,
    private readonly itemFactors: Float64Array,
    private readonly options: Required<ImplicitAlsOptions>,
  ) {
    this.version = `f${options.factors}-i${options.iterations}`;
    this.itemGram = gram(itemFactors, options.factors);
  }

  static fit(
    interactions: readonly Interaction[],
    options: ImplicitAlsOptions = {},
  ): ImplicitAlsModel {
    const resolved = resolve(options);
    const items = new ItemIndex();
    const users = new ItemIndex();
    const cells = new Map<string, number>();
    for (const { userKey, itemId, weight } of interactions) {
      const key = `${users.add(userKey)}:${items.add(itemId)}`;
      cells.set(key, (cells.get(key) ?? 0) + weight);
    }
    const byUser = sparseRows(cells, { rows: users.size, transpose: false });
    const byItem = sparseRows(cells, { rows: items.size, transpose: true });
    const random = seededUniform(resolved.seed);
    const init = (count: number): Float64Array =>
      Float64Array.from({ length: count * resolved.factors }, () => (random() - 0.5) * 0.02);
    const userFactors = init(users.size);
    const itemFactors = init(items.size);
    for (let iteration = 0; iteration < resolved.iterations; iteration += 1) {
      solveAll({ target: userFactors, rows: byUser, fixed: itemFactors }, resolved);
      solveAll({ target: itemFactors, rows: byItem, fixed: userFactors }, resolved);
    }
    return new ImplicitAlsModel(items, itemFactors, resolved);
  }

  /** The user vector of a history (zero for a history of unknown items). */
  foldIn(history: readonly string[]): Float64Array {
    const { factors, historyDecay, historyItems } = this.options;
    const weights = new Map<number, number>();
    const recent = history.slice(-historyItems);
    recent.forEach((itemId, position) => {
      const item = this.index.indexOf(itemId);
      const weight = historyDecay ** (recent.length - 1 - position);
      if (item !== undefined) weights.set(item, (weights.get(item) ?? 0) + weight);
    });
    if (weights.size === 0) return new Float64Array(factors);
    const columns = Int32Array.from(weights.keys());
    const values = Float64Array.from(weights.values());
    return solveRow(
      { columns, values, fixed: this.itemFactors, fixedGram: this.itemGram },
      this.options,
    );
  }

  private itemVector(item: number): Float64Array {
    const size = this.options.factors;
    return this.itemFactors.subarray(item * size, (item + 1) * size);
  }

  recommend(history: readonly string[], k: number, exclude?: ReadonlySet<string>): string[] {
    const user = this.foldIn(history);
    const size = this.options.factors;
    const scores = new Float64Array(this.index.size);
    for (let item = 0; item < scores.length; item += 1) {
      let sum = 0;
      for (let dimension = 0; dimension < size; dimension += 1) {
        sum += (user[dimension] ?? 0) * (this.itemFactors[item * size + dimension] ?? 0);
      }
      scores[item] = sum;
    }
    return topIndices(scores, k, (item) => exclude?.has(this.index.ids[item] ?? '') === true).map(
      (item) => this.index.ids[item] ?? '',
    );
  }

  /** Dot products with the folded-in history; items never seen in training score below all others. */
  async score(input: RankingInput): Promise<Float32Array> {
    const user = this.foldIn(input.sequence);
    return Float32Array.from(input.candidates, ({ itemId }) => {
      const item = this.index.indexOf(itemId);
      return item === undefined ? -1e9 : dot(user, this.itemVector(item));
    });
  }
}

function resolve(options: ImplicitAlsOptions): Required<ImplicitAlsOptions> {
  return {
    factors: options.factors ?? 32,
    iterations: options.iterations ?? 10,
    regularization: options.regularization ?? 0.1,
    alpha: options.alpha ?? 20,
    historyDecay: options.historyDecay ?? 0.8,
    historyItems: options.historyItems ?? 50,
    seed: options.seed ?? 1,
  };
}

function sparseRows(
  cells: ReadonlyMap<string, number>,
  shape: { rows: number; transpose: boolean },
): SparseRows {
  const entries: Array<[number, number, number]> = [];
  for (const [key, value] of cells) {
    const [user, item] = key.split(':').map(Number) as [number, number];
    entries.push(shape.transpose ? [item, user, value] : [user, item, value]);
  }
  entries.sort((left, right) => left[0] - right[0] || left[1] - right[1]);
  const starts = new Int32Array(shape.rows + 1);
  for (const [row] of entries) starts[row + 1] = (starts[row + 1] ?? 0) + 1;
  for (let row = 0; row < shape.rows; row += 1)
    starts[row + 1] = (starts[row + 1] ?? 0) + (starts[row] ?? 0);
  return {
    starts,
    columns: Int32Array.from(entries, ([, column]) => column),
    values: Float64Array.from(entries, ([, , value]) => value),
  };
}

function solveAll(
  input: { target: Float64Array; rows: SparseRows; fixed: Float64Array },
  options: Required<ImplicitAlsOptions>,
): void {
  const { target, rows, fixed } = input;
  const fixedGram = gram(fixed, options.factors);
  const size = options.factors;
  const rowCount = rows.starts.length - 1;
  for (let row = 0; row < rowCount; row += 1) {
    const from = rows.starts[row] ?? 0;
    const to = rows.starts[row + 1] ?? 0;
    const system = {
      columns: rows.columns.subarray(from, to),
      values: rows.values.subarray(from, to),
      fixed,
      fixedGram,
    };
    conjugateGradient(system, { x: target.subarray(row * size, (row + 1) * size), options });
  }
}

interface RowSystem {
  columns: Int32Array;
  values: Float64Array;
  fixed: Float64Array;
  fixedGram: Float64Array;
}

/**
 * A few conjugate-gradient steps from the current vector (Takács et al. 2011, as the `implicit` library
 * does): O(f² + n·f) per step instead of O(n·f²) for forming the normal equations, and three warm-started
 * steps per sweep reach the same quality within the usual ten sweeps.
 */
function conjugateGradient(
  system: RowSystem,
  state: { x: Float64Array; options: Required<ImplicitAlsOptions> },
): void {
  const { x, options } = state;
  const residual = rightHandSide(system, options);
  const product = new Float64Array(options.factors);
  applySystem(system, { vector: x, out: product, options });
  addScaled(residual, { vector: product, scale: -1 });
  const direction = Float64Array.from(residual);
  let residualNorm = dot(residual, residual);
  for (let step = 0; step < CG_STEPS && residualNorm > 1e-12; step += 1) {
    applySystem(system, { vector: direction, out: product, options });
    const stepSize = residualNorm / dot(direction, product);
    addScaled(x, { vector: direction, scale: stepSize });
    addScaled(residual, { vector: product, scale: -stepSize });
    const nextNorm = dot(residual, residual);
    // direction = residual + (nextNorm / residualNorm) · direction
    const keep = nextNorm / residualNorm;
    for (let index = 0; index < direction.length; index += 1) {
      direction[index] = (residual[index] ?? 0) + keep * (direction[index] ?? 0);
    }
    residualNorm = nextNorm;
  }
}

const CG_STEPS = 3;

/** b = Σ c_i y_i over the row's entries. */
function rightHandSide(system: RowSystem, options: Required<ImplicitAlsOptions>): Float64Array {
  const size = options.factors;
  const rhs = new Float64Array(size);
  for (let entry = 0; entry < system.columns.length; entry += 1) {
    const confidence = 1 + options.alpha * (system.values[entry] ?? 0);
    const offset = (system.columns[entry] ?? 0) * size;
    addScaled(rhs, { vector: system.fixed, scale: confidence, offset });
  }
  return rhs;
}

/** out = (YᵀY + λI) v + Σ (c_i − 1)(y_i·v) y_i, without forming the matrix. */
function applySystem(
  system: RowSystem,
  io: { vector: Float64Array; out: Float64Array; options: Required<ImplicitAlsOptions> },
): void {
  const { vector, out, options } = io;
  const size = options.factors;
  multiplyInto(system.fixedGram, vector, out);
  addScaled(out, { vector, scale: options.regularization });
  for (let entry = 0; entry < system.columns.length; entry += 1) {
    const offset = (system.columns[entry] ?? 0) * size;
    const scale = options.alpha * (system.values[entry] ?? 0) * dotAt(system.fixed, offset, vector);
    addScaled(out, { vector: system.fixed, scale, offset });
  }
}

/** argmin_x Σ_i c_i (p_i − x·y_i)² + λ‖x‖², with p = 1 on the row's entries and 0 elsewhere. */
function solveRow(
  input: {
    columns: Int32Array;
    values: Float64Array;
    fixed: Float64Array;
    fixedGram: Float64Array;
  },
  options: Required<ImplicitAlsOptions>,
): Float64Array {
  const size = options.factors;
  const matrix = Float64Array.from(input.fixedGram);
  for (let diagonal = 0; diagonal < size; diagonal += 1) {
    matrix[diagonal * size + diagonal] =
      (matrix[diagonal * size + diagonal] ?? 0) + options.regularization;
  }
  const rhs = new Float64Array(size);
  for (let entry = 0; entry < input.columns.length; entry += 1) {
    const column = input.columns[entry] ?? 0;
    const vector = input.fixed.subarray(column * size, (column + 1) * size);
    const confidence = 1 + options.alpha * (input.values[entry] ?? 0);
    addOuter(matrix, vector, confidence - 1);
    for (let dimension = 0; dimension < size; dimension += 1) {
      rhs[dimension] = (rhs[dimension] ?? 0) + confidence * (vector[dimension] ?? 0);
    }
  }
  return solveSymmetric(matrix, rhs);
}
