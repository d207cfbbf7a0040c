/** Makes the ranker's custom layers and initializer known to tfjs deserialisation (idempotent). */
import { serialization } from '@tensorflow/tfjs-core';
import { OrthogonalInitializer } from './orthogonal-initializer';
import { SequenceRecurrent } from './recurrent-layer';
import { PaddedStepsZeroed, SequencePooling } from './sequence-layers';

let registered = false;

export function registerCustomLayers(): void {
  if (registered) return;
  serialization.registerClass(PaddedStepsZeroed);
  serialization.registerClass(SequencePooling);
  serialization.registerClass(SequenceRecurrent);
  serialization.registerClass(OrthogonalInitializer);
  registered = true;
}
