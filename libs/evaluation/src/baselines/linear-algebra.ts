/** Small dense linear algebra for ALS: row-major square matrices in Float64Array. */

/** a += scale · v vᵀ (symmetric rank-one update of an n×n matrix). */
export function addOuter(matrix: Float64Array, vector: ArrayLike<number>, scale: number): void {
  const size = vector.length;
  for (let row = 0; row < size; row += 1) {
    const factor = scale * (vector[row] ?? 0);
    if (factor === 0) continue;
    const offset = row * size;
    for (let column = 0; column < size; column += 1) {
      matrix[offset + column] = (matrix[offset + column] ?? 0) + factor * (vector[column] ?? 0);
    }
  }
}

/** Gram matrix FᵀF of `rows` vectors of length `size` stored back to back. */
export function gram(factors: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size * size);
  const rows = factors.length / size;
  for (let row = 0; row < rows; row += 1) {
    addOuter(out, factors.subarray(row * size, (row + 1) * size), 1);
  }
  return out;
}

/**
 * Solves A x = b for a symmetric positive-definite A by Cholesky decomposition. A is overwritten with
 * its factor; b is left as it is.
 */
export function solveSymmetric(matrix: Float64Array, rhs: ArrayLike<number>): Float64Array {
  const size = rhs.length;
  choleskyInPlace(matrix, size);
  return backSubstitute(matrix, forwardSubstitute(matrix, rhs));
}

/** Solves L y = b for the lower-triangular factor L. */
function forwardSubstitute(factor: Float64Array, rhs: ArrayLike<number>): Float64Array {
  const size = rhs.length;
  const y = new Float64Array(size);
  for (let row = 0; row < size; row += 1) {
    let sum = rhs[row] ?? 0;
    for (let column = 0; column < row; column += 1) {
      sum -= (factor[row * size + column] ?? 0) * (y[column] ?? 0);
    }
    y[row] = sum / (factor[row * size + row] ?? 1);
  }
  return y;
}

/** Solves Lᵀ x = y. */
function backSubstitute(factor: Float64Array, y: Float64Array): Float64Array {
  const size = y.length;
  const x = new Float64Array(size);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = y[row] ?? 0;
    for (let column = row + 1; column < size; column += 1) {
      sum -= (factor[column * size + row] ?? 0) * (x[column] ?? 0);
    }
    x[row] = sum / (factor[row * size + row] ?? 1);
  }
  return x;
}

/** Lower-triangular L with A = L Lᵀ, written over A's lower triangle. */
function choleskyInPlace(matrix: Float64Array, size: number): void {
  for (let column = 0; column < size; column += 1) {
    let diagonal = matrix[column * size + column] ?? 0;
    for (let inner = 0; inner < column; inner += 1)
      diagonal -= (matrix[column * size + inner] ?? 0) ** 2;
    // A tiny floor keeps a numerically semi-definite matrix solvable (ALS adds a ridge anyway).
    const pivot = Math.sqrt(Math.max(diagonal, 1e-12));
    matrix[column * size + column] = pivot;
    for (let row = column + 1; row < size; row += 1) {
      let sum = matrix[row * size + column] ?? 0;
      for (let inner = 0; inner < column; inner += 1) {
        sum -= (matrix[row * size + inner] ?? 0) * (matrix[column * size + inner] ?? 0);
      }
      matrix[row * size + column] = sum / pivot;
    }
  }
}

export function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1)
    sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

/** y += scale · x (over x's length; y may be a view at an offset via `offset`). */
export function addScaled(
  target: Float64Array,
  source: { vector: ArrayLike<number>; scale: number; offset?: number },
): void {
  const { vector, scale } = source;
  const offset = source.offset ?? 0;
  for (let index = 0; index < target.length; index += 1) {
    target[index] = (target[index] ?? 0) + scale * (vector[offset + index] ?? 0);
  }
}

/** out = M v for a square row-major M. */
export function multiplyInto(
  matrix: Float64Array,
  vector: ArrayLike<number>,
  out: Float64Array,
): void {
  const size = out.length;
  for (let row = 0; row < size; row += 1) {
    let sum = 0;
    for (let column = 0; column < size; column += 1) {
      sum += (matrix[row * size + column] ?? 0) * (vector[column] ?? 0);
    }
    out[row] = sum;
  }
}

/** Dot product of `vector` with `length` entries of `matrix` from `offset` (a row of a flat matrix). */
export function dotAt(matrix: Float64Array, offset: number, vector: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < vector.length; index += 1) {
    sum += (matrix[offset + index] ?? 0) * (vector[index] ?? 0);
  }
  return sum;
}
