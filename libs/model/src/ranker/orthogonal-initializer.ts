/**
 * A random orthogonal matrix, the usual recurrent-kernel initialisation. tfjs's own Orthogonal calls
 * chained tensor methods (`.flatten()`) that only the @tensorflow/tfjs union package installs, so with
 * tfjs-core + tfjs-layers alone it throws; this one is plain JavaScript and repeats under a seed.
 */
import { serialization, tensor, type DataType, type Tensor } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { seededRandom } from '../random';

export interface OrthogonalInitializerArgs {
  /** @default 1 */
  gain?: number;
  seed?: number;
}

/** Orthonormal columns of `matrix` ([rows, cols], rows ≥ cols), in place (modified Gram–Schmidt). */
function orthonormaliseColumns(matrix: Float64Array, rows: number, cols: number): void {
  const entry = (row: number, column: number): number => matrix[row * cols + column]!;
  for (let column = 0; column < cols; column += 1) {
    for (let earlier = 0; earlier < column; earlier += 1) {
      let dot = 0;
      for (let row = 0; row < rows; row += 1) dot += entry(row, column) * entry(row, earlier);
      for (let row = 0; row < rows; row += 1) {
        matrix[row * cols + column] = entry(row, column) - dot * entry(row, earlier);
      }
    }
    let norm = 0;
    for (let row = 0; row < rows; row += 1) norm += entry(row, column) ** 2;
    const scale = 1 / Math.sqrt(norm);
    for (let row = 0; row < rows; row += 1)
      matrix[row * cols + column] = entry(row, column) * scale;
  }
}

/** A random orthogonal matrix (rows or columns orthonormal, whichever are fewer), times `gain`. */
export class OrthogonalInitializer extends serialization.Serializable {
  static readonly className = 'RecsysOrthogonal';
  private readonly gain: number;
  private readonly seed: number | undefined;

  constructor(args: OrthogonalInitializerArgs = {}) {
    super();
    this.gain = args.gain ?? 1;
    this.seed = args.seed;
  }

  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  apply(shape: Shape, dtype: DataType = 'float32'): Tensor {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce<number>((product, extent) => product * (extent ?? 1), 1);
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const random = seededRandom(this.seed ?? Math.floor(Math.random() * 2 ** 31));
    const matrix = Float64Array.from({ length: tall * narrow }, () => random.normal());
    orthonormaliseColumns(matrix, tall, narrow);
    const values = new Float32Array(rows * cols);
    for (let index = 0; index < values.length; index += 1) {
      const row = Math.floor(index / cols);
      const col = index % cols;
      // [tall, narrow] is the matrix itself when rows ≥ cols, its transpose otherwise.
      const source = rows >= cols ? row * narrow + col : col * narrow + row;
      values[index] = this.gain * matrix[source]!;
    }
    return tensor(values, shape as number[], dtype);
  }

  override getConfig(): serialization.ConfigDict {
    return this.seed === undefined ? { gain: this.gain } : { gain: this.gain, seed: this.seed };
  }
}
