/**
 * The synthetic catalogue: a two-level category tree (department → leaf), brands that serve one or two
 * departments at a price tier, and items with Zipf-distributed popularity and log-normal prices.
 */
import type { ItemUpsertedV1 } from '@recsys/contracts';
import type { SeededRandom } from './random';
import { BRAND_HEADS, BRAND_TAILS, COLORS, DEPARTMENTS } from './vocabulary';

export interface SyntheticCategory {
  index: number;
  path: [string, string];
  department: number;
  medianPrice: number;
  /** Item indexes in this category, most popular first. */
  items: number[];
}

export interface SyntheticBrand {
  index: number;
  name: string;
  departments: number[];
  /** Price multiplier of the brand (1 = department median). */
  priceTier: number;
}

export interface SyntheticItem {
  index: number;
  itemId: string;
  category: number;
  brand: number;
  price: number;
  /** Share of all popularity mass (sums to 1 over the catalogue). */
  popularity: number;
  upsert: ItemUpsertedV1;
}

export interface SyntheticCatalog {
  categories: SyntheticCategory[];
  brands: SyntheticBrand[];
  items: SyntheticItem[];
}

export interface CatalogShape {
  categories: number;
  brands: number;
  items: number;
  zipfExponent: number;
  currency: string;
  /** When the catalogue was last updated (before the first simulated day). */
  updatedAt: string;
}

// Spread of item prices around their category × brand level (log space): roughly ×0.5..×2 for most items.
const ITEM_PRICE_SIGMA = 0.45;
const BRAND_TIER_SIGMA = 0.3;

export function buildCatalog(shape: CatalogShape, random: SeededRandom): SyntheticCatalog {
  const categories = buildCategories(shape.categories);
  const brands = buildBrands({
    count: shape.brands,
    departments: departmentsUsed(categories),
    random,
  });
  const ranks = random.shuffled(Array.from({ length: shape.items }, (_, index) => index + 1));
  const zipfWeights = ranks.map((rank) => 1 / rank ** shape.zipfExponent);
  const totalWeight = zipfWeights.reduce((sum, weight) => sum + weight, 0);
  const items = zipfWeights.map((weight, index) =>
    buildItem({ index, popularity: weight / totalWeight, categories, brands, shape, random }),
  );
  for (const item of [...items].sort((left, right) => right.popularity - left.popularity)) {
    categories[item.category]?.items.push(item.index);
  }
  return { categories, brands, items };
}

/** Leaves are dealt round-robin over departments, so a small tree still spans several departments. */
function buildCategories(count: number): SyntheticCategory[] {
  return Array.from({ length: count }, (_, index) => {
    const departmentIndex = index % DEPARTMENTS.length;
    const department = DEPARTMENTS[departmentIndex] ?? DEPARTMENTS[0]!;
    const round = Math.floor(index / DEPARTMENTS.length);
    const leaf = department.leaves[round % department.leaves.length] ?? 'Other';
    const suffix =
      round >= department.leaves.length
        ? ` ${Math.floor(round / department.leaves.length) + 1}`
        : '';
    return {
      index,
      path: [department.name, `${leaf}${suffix}`],
      department: departmentIndex,
      medianPrice: department.medianPrice,
      items: [],
    };
  });
}

function departmentsUsed(categories: readonly SyntheticCategory[]): number[] {
  return [...new Set(categories.map((category) => category.department))];
}

function buildBrands(input: {
  count: number;
  departments: number[];
  random: SeededRandom;
}): SyntheticBrand[] {
  const { departments, random } = input;
  return Array.from({ length: input.count }, (_, index) => {
    const head = BRAND_HEADS[index % BRAND_HEADS.length] ?? 'Br';
    const tail = BRAND_TAILS[Math.floor(index / BRAND_HEADS.length) % BRAND_TAILS.length] ?? 'and';
    const cycle = Math.floor(index / (BRAND_HEADS.length * BRAND_TAILS.length));
    const home = departments[index % departments.length] ?? 0;
    const second = random.chance(0.3) ? random.pick(departments) : home;
    return {
      index,
      name: `${head}${tail}${cycle > 0 ? ` ${cycle + 1}` : ''}`,
      departments: [...new Set([home, second])],
      priceTier: random.logNormal(1, BRAND_TIER_SIGMA),
    };
  });
}

function buildItem(input: {
  index: number;
  popularity: number;
  categories: SyntheticCategory[];
  brands: SyntheticBrand[];
  shape: CatalogShape;
  random: SeededRandom;
}): SyntheticItem {
  const { index, categories, random, shape } = input;
  const category = categories[random.int(categories.length)] ?? categories[0]!;
  const candidates = input.brands.filter((brand) =>
    brand.departments.includes(category.department),
  );
  const brand = candidates.length > 0 ? random.pick(candidates) : random.pick(input.brands);
  // Prices end in .99 like a shop's; the cent arithmetic keeps order revenues exact.
  const level = random.logNormal(category.medianPrice * brand.priceTier, ITEM_PRICE_SIGMA);
  const price = (Math.max(1, Math.round(level)) * 100 - 1) / 100;
  const itemId = `sku-${String(index + 1).padStart(5, '0')}`;
  const model = `${String.fromCharCode(65 + random.int(26))}${100 + random.int(900)}`;
  const availabilityDraw = random.next();
  const upsert: ItemUpsertedV1 = {
    itemId,
    schemaVersion: 1,
    title: `${brand.name} ${category.path[1]} ${model}`,
    categoryPath: [...category.path],
    brand: brand.name,
    price,
    currency: shape.currency,
    availability:
      availabilityDraw < 0.96 ? 'in_stock' : availabilityDraw < 0.99 ? 'out_of_stock' : 'preorder',
    imageUrl: `https://cdn.shop.example/items/${itemId}.jpg`,
    updatedAt: shape.updatedAt,
    attributes: { color: random.pick(COLORS) },
  };
  return {
    index,
    itemId,
    category: category.index,
    brand: brand.index,
    price,
    popularity: input.popularity,
    upsert,
  };
}
