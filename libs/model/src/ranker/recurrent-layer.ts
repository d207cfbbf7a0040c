/**
 * SequenceRecurrent: a GRU or LSTM over [step values, item ids] that skips padding steps (id 0) and
 * returns the last state. Same weights as tfjs-layers' GRU/LSTM (kernel [d, g·u], recurrent_kernel
 * [u, g·u], bias [g·u]; gates z, r, h and i, f, c, o), computed by the fused ops in fused-gru.ts and
 * fused-lstm.ts: the input projection for all steps is one product, the recurrence (with the bias) one
 * op.
 */
import {
  cast,
  matMul,
  notEqual,
  reshape,
  scalar,
  serialization,
  tensor1d,
  tidy,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { gruSequence } from './fused-gru';
import { lstmSequence } from './fused-lstm';
import { OrthogonalInitializer } from './orthogonal-initializer';
import { pair } from './sequence-layers';

export type RecurrentCell = 'gru' | 'lstm';

export interface SequenceRecurrentArgs extends LayerArgs {
  cell: RecurrentCell;
  units: number;
  /** Makes the initial weights repeatable. @default random */
  seed?: number;
}

const GATES: Record<RecurrentCell, number> = { gru: 3, lstm: 4 };

/** LSTM bias: 1 on the forget gate (Keras' unit_forget_bias), so early training remembers. */
function lstmBias(units: number): Initializer {
  const values = new Float32Array(4 * units);
  values.fill(1, units, 2 * units);
  return { apply: () => tensor1d(values) } as unknown as Initializer;
}

export class SequenceRecurrent extends layers.Layer {
  static readonly className = 'RecsysSequenceRecurrent';
  private readonly cell: RecurrentCell;
  private readonly units: number;
  private readonly seed: number | undefined;
  private kernel: LayerVariable | undefined;
  private recurrentKernel: LayerVariable | undefined;
  private bias: LayerVariable | undefined;

  constructor(args: SequenceRecurrentArgs) {
    super(args);
    this.cell = args.cell;
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const width = (inputShape as Shape[])[0]?.at(-1) ?? 0;
    const gates = GATES[this.cell] * this.units;
    const seeded = this.seed === undefined ? {} : { seed: this.seed };
    const recurrentSeed = this.seed === undefined ? {} : { seed: this.seed + 1 };
    this.kernel = this.addWeight(
      'kernel',
      [width, gates],
      'float32',
      initializers.glorotUniform(seeded),
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, gates],
      'float32',
      // Structurally an Initializer (tfjs does not export the base class to extend).
      new OrthogonalInitializer(recurrentSeed),
    );
    const bias = this.cell === 'lstm' ? lstmBias(this.units) : initializers.zeros();
    this.bias = this.addWeight('bias', [gates], 'float32', bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [(inputShape as Shape[])[0]?.[0] ?? null, this.units];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const [steps, ids] = pair(inputs);
    const { kernel, recurrentKernel, bias } = this.weightsOrThrow();
    return tidy(() => {
      const [batch = 0, time = 0, width = 0] = steps.shape;
      const flat = reshape(steps, [batch * time, width]);
      const projected = reshape(matMul(flat, kernel.read()), [batch, time, -1]);
      const mask = cast(notEqual(ids, scalar(0, 'int32')), 'float32');
      const sequence = this.cell === 'gru' ? gruSequence : lstmSequence;
      return sequence(projected, recurrentKernel.read(), bias.read(), mask);
    });
  }

  override getConfig(): serialization.ConfigDict {
    const own = { cell: this.cell, units: this.units };
    return {
      ...super.getConfig(),
      ...own,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }

  private weightsOrThrow(): Record<'kernel' | 'recurrentKernel' | 'bias', LayerVariable> {
    const { kernel, recurrentKernel, bias } = this;
    if (kernel === undefined || recurrentKernel === undefined || bias === undefined) {
      throw new Error(`Layer ${this.name} was called before it was built.`);
    }
    return { kernel, recurrentKernel, bias };
  }
}
