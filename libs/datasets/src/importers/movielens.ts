/**
 * MovieLens (GroupLens). Two layouts:
 * - 100K: `u.data` (user \t item \t rating \t unix seconds), `u.item` (`|`-separated, 19 genre flags),
 *   optional `u.genre` (genre names);
 * - 1M (also 10M): `ratings.dat` (`user::movie::rating::unix seconds`), `movies.dat` (`id::title::A|B`).
 * Files are latin-1. Ratings become `rating` events (sessions derived by inactivity); movies become items.
 */
import type { DraftRecord, ItemDraft } from '../records';
import { findFile, listFiles } from '../import/files';
import { parseDecimal, parseInteger, sourceId, stableId } from '../import/identity';
import {
  UNKNOWN_CURRENCY,
  envelopeOf,
  eventRecord,
  type DatasetImporter,
  type ImportContext,
} from '../import/importer';
import { DatasetFormatError, openTable, type TableRow } from '../io/lines';

interface MovieLensLayout {
  /** Event id prefix: the two releases number users and movies independently. */
  prefix: 'ml100k' | 'ml1m';
  ratings: string;
  movies: string | undefined;
  genres: string | undefined;
  delimiter: string;
}

/** ml-100k's genre order, used when `u.genre` is absent. */
const GENRES_100K = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];
const FIRST_GENRE_FIELD_100K = 5;
const NO_GENRE = new Set(['unknown', '(no genres listed)']);

async function findLayout(dir: string): Promise<MovieLensLayout | undefined> {
  const folder = { dir, files: await listFiles(dir) };
  const udata = findFile(folder, ['u.data']);
  if (udata !== undefined) {
    return {
      prefix: 'ml100k',
      ratings: udata,
      movies: findFile(folder, ['u.item']),
      genres: findFile(folder, ['u.genre']),
      delimiter: '\t',
    };
  }
  const ratings = findFile(folder, ['ratings.dat']);
  if (ratings === undefined) return undefined;
  return {
    prefix: 'ml1m',
    ratings,
    movies: findFile(folder, ['movies.dat']),
    genres: undefined,
    delimiter: '::',
  };
}

export const movieLensImporter: DatasetImporter = {
  name: 'movielens',
  layouts: 'ml-100k (u.data, u.item, u.genre) or ml-1m/10m (ratings.dat, movies.dat)',
  detect: async (dir) => (await findLayout(dir)) !== undefined,
  async *read(context) {
    const layout = await findLayout(context.dir);
    if (layout === undefined)
      throw new DatasetFormatError(`${context.dir}: no u.data or ratings.dat`);
    context.report.note(
      'MovieLens has no prices: movies are items with price 0 in currency XXX (the contract requires a price).',
    );
    yield* readRatings(context, layout);
    if (layout.movies === undefined)
      context.report.note('no movie file: only rating events were imported');
    else yield* readMovies(context, { ...layout, movies: layout.movies }, await genreNames(layout));
  },
};

async function* readRatings(
  context: ImportContext,
  layout: MovieLensLayout,
): AsyncGenerator<DraftRecord> {
  context.report.file(layout.ratings);
  const table = await openTable(layout.ratings, {
    delimiter: layout.delimiter,
    columns: ['user', 'item', 'rating', 'timestamp'],
    encoding: 'latin1',
  });
  for await (const row of table.rows) {
    if (!context.takeRow()) break;
    const mapped = ratingOf(row, layout.prefix);
    if (typeof mapped === 'string') context.report.skip(mapped, row.at);
    else yield mapped;
  }
}

function ratingOf(row: TableRow, prefix: string): DraftRecord | string {
  const [user, item, ratingText, seconds] = row.fields;
  const userId = sourceId(user);
  const itemId = sourceId(item);
  if (row.fields.length !== 4 || userId === undefined || itemId === undefined) {
    return 'expected 4 fields: user, item, rating, timestamp';
  }
  const rating = parseDecimal(ratingText);
  if (!(rating >= 0.5 && rating <= 5)) return 'rating outside 0.5..5';
  const timeMs = parseInteger(seconds) * 1000;
  if (!Number.isFinite(timeMs)) return 'timestamp is not unix seconds';
  const eventId = stableId(prefix, ['r', userId, itemId, timeMs / 1000]);
  return eventRecord(
    { ...envelopeOf({ eventId, timeMs, userId }), eventType: 'rating', itemId, rating },
    timeMs,
  );
}

async function genreNames(layout: MovieLensLayout): Promise<string[]> {
  if (layout.genres === undefined) return GENRES_100K;
  const table = await openTable(layout.genres, { delimiter: '|', columns: ['name', 'index'] });
  const names: string[] = [];
  for await (const row of table.rows) {
    const index = parseInteger(row.fields[1]);
    if (row.fields[0] !== undefined && Number.isInteger(index)) names[index] = row.fields[0];
  }
  return names;
}

async function* readMovies(
  context: ImportContext,
  layout: MovieLensLayout & { movies: string },
  genres: readonly string[],
): AsyncGenerator<DraftRecord> {
  context.report.file(layout.movies);
  const delimiter = layout.prefix === 'ml100k' ? '|' : '::';
  const table = await openTable(layout.movies, { delimiter, columns: [], encoding: 'latin1' });
  for await (const row of table.rows) {
    context.catalogueRow();
    const item = layout.prefix === 'ml100k' ? movieOf100k(row, genres) : movieOf1m(row);
    if (typeof item === 'string') context.report.skip(item, row.at);
    else if (context.wantsItem(item.itemId)) yield { kind: 'item', item };
  }
}

function movieOf100k(row: TableRow, genres: readonly string[]): ItemDraft | string {
  const [id, title, releaseDate, , imdbUrl] = row.fields;
  if (row.fields.length !== FIRST_GENRE_FIELD_100K + genres.length) {
    return `expected ${FIRST_GENRE_FIELD_100K + genres.length} fields in u.item`;
  }
  const movieGenres = genres.filter(
    (_, index) => row.fields[FIRST_GENRE_FIELD_100K + index] === '1',
  );
  const attributes: Record<string, string> = {};
  if (releaseDate !== undefined && releaseDate !== '') attributes['releaseDate'] = releaseDate;
  if (imdbUrl !== undefined && imdbUrl !== '') attributes['imdbUrl'] = imdbUrl.slice(0, 1024);
  return movieItem({ id, title, genres: movieGenres, attributes });
}

function movieOf1m(row: TableRow): ItemDraft | string {
  const [id, title, genreList] = row.fields;
  if (row.fields.length !== 3) return 'expected 3 fields: id, title, genres';
  return movieItem({ id, title, genres: (genreList ?? '').split('|'), attributes: {} });
}

function movieItem(movie: {
  id: string | undefined;
  title: string | undefined;
  genres: string[];
  attributes: Record<string, string>;
}): ItemDraft | string {
  const itemId = sourceId(movie.id);
  const title = movie.title?.trim().slice(0, 512);
  if (itemId === undefined) return 'missing movie id';
  if (title === undefined || title === '') return 'missing title';
  const genres = movie.genres
    .map((genre) => genre.trim())
    .filter((genre) => genre !== '' && !NO_GENRE.has(genre));
  // A movie has several genres but a category path is one branch: the first listed genre is the leaf,
  // the full list stays in the attributes.
  const firstGenre = genres[0];
  return {
    itemId,
    schemaVersion: 1,
    title,
    categoryPath: firstGenre === undefined ? ['Movies'] : ['Movies', firstGenre],
    // MovieLens publishes no prices; the contract requires one, so 0 in currency "no currency".
    price: 0,
    currency: UNKNOWN_CURRENCY,
    availability: 'in_stock',
    attributes: { ...movie.attributes, ...(genres.length > 0 ? { genres: genres.join('|') } : {}) },
  };
}
