/** Every importer by dataset name, and `auto` detection over them. */
import { amazonImporter } from '../importers/amazon';
import { digineticaImporter } from '../importers/diginetica';
import { movieLensImporter } from '../importers/movielens';
import { rees46Importer } from '../importers/rees46';
import { retailRocketImporter } from '../importers/retailrocket';
import { yoochooseImporter } from '../importers/yoochoose';
import type { DatasetImporter, DatasetName } from './importer';
import { DatasetFormatError } from '../io/lines';

export const datasetImporters: Readonly<Record<DatasetName, DatasetImporter>> = {
  retailrocket: retailRocketImporter,
  yoochoose: yoochooseImporter,
  diginetica: digineticaImporter,
  rees46: rees46Importer,
  movielens: movieLensImporter,
  amazon: amazonImporter,
};

/** Names of the datasets whose layout `dir` holds (usually one). */
export async function detectDatasets(dir: string): Promise<DatasetName[]> {
  const importers = Object.values(datasetImporters);
  const matches = await Promise.all(importers.map((importer) => importer.detect(dir)));
  return importers.filter((_, index) => matches[index] === true).map((importer) => importer.name);
}

export async function resolveImporter(
  dataset: DatasetName | 'auto',
  dir: string,
): Promise<DatasetImporter> {
  if (dataset !== 'auto') {
    const importer = datasetImporters[dataset];
    if (!(await importer.detect(dir))) {
      throw new DatasetFormatError(
        `${dir} does not hold ${dataset} data; expected ${importer.layouts}`,
      );
    }
    return importer;
  }
  const detected = await detectDatasets(dir);
  const [only] = detected;
  if (detected.length === 1 && only !== undefined) return datasetImporters[only];
  if (detected.length === 0) {
    const known = Object.values(datasetImporters).map(
      (importer) => `${importer.name}: ${importer.layouts}`,
    );
    throw new DatasetFormatError(
      `no known dataset layout in ${dir}; known layouts:\n  ${known.join('\n  ')}`,
    );
  }
  throw new DatasetFormatError(
    `${dir} matches several datasets (${detected.join(', ')}); name one`,
  );
}
