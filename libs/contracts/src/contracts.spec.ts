import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  contractSchemas,
  isRecommendationError,
  physicalTopicName,
  recommendationReplyV1Schema,
  storefrontEventKey,
  storefrontEventSchema,
  storefrontEventTypes,
  toValidationIssues,
  topicNames,
  topics,
  type ContractName,
} from './index';

const FIXTURES = join(__dirname, '__fixtures__');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `page-view.anonymous.v1.json` → `page-view.v1`. */
function contractOfFixture(file: string): ContractName {
  const parts = file.replace(/\.json$/, '').split('.');
  return `${parts[0]}.${parts[parts.length - 1]}` as ContractName;
}

const validFixtures = readdirSync(join(FIXTURES, 'valid')).filter((file) => file.endsWith('.json'));
const invalidFixtures = readdirSync(join(FIXTURES, 'invalid')).map((file) => ({
  file,
  ...(readJson(join(FIXTURES, 'invalid', file)) as {
    description: string;
    contract: ContractName;
    expectedPath: string;
    payload: unknown;
  }),
}));

describe('golden fixtures', () => {
  it.each(validFixtures)('accepts valid/%s with its contract', (file) => {
    const schema: z.ZodType = contractSchemas[contractOfFixture(file)];
    expect(schema).toBeDefined();
    const result = schema.safeParse(readJson(join(FIXTURES, 'valid', file)));
    expect(result.error?.issues).toBeUndefined();
  });

  it('has at least one valid fixture for every contract', () => {
    const covered = new Set(validFixtures.map(contractOfFixture));
    expect(
      Object.keys(contractSchemas).filter((name) => !covered.has(name as ContractName)),
    ).toEqual([]);
  });

  it.each(invalidFixtures.map((f) => [f.file, f] as const))(
    'rejects invalid/%s at the expected path',
    (_file, fixture) => {
      const result = (contractSchemas[fixture.contract] as z.ZodType).safeParse(fixture.payload);
      expect(result.success).toBe(false);
      const paths = toValidationIssues(result.error!).map((issue) => issue.path);
      expect(paths).toContain(fixture.expectedPath);
    },
  );
});

describe('storefrontEventSchema', () => {
  const eventFixtures = validFixtures.filter((file) =>
    storefrontEventTypes.some(
      (type) => contractOfFixture(file) === `${type.replace(/_/g, '-')}.v1`,
    ),
  );

  it('covers every event type with a fixture', () => {
    const parsedTypes = new Set(
      eventFixtures.map(
        (file) => storefrontEventSchema.parse(readJson(join(FIXTURES, 'valid', file))).eventType,
      ),
    );
    expect([...parsedTypes].sort()).toEqual([...storefrontEventTypes].sort());
  });

  it('rejects an unknown eventType naming the discriminator', () => {
    const event = {
      ...(readJson(join(FIXTURES, 'valid', 'page-view.v1.json')) as object),
      eventType: 'teleport',
    };
    const result = storefrontEventSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(toValidationIssues(result.error!)[0]?.path).toBe('eventType');
  });

  it('keeps unicode text intact', () => {
    const review = storefrontEventSchema.parse(readJson(join(FIXTURES, 'valid', 'review.v1.json')));
    expect(review.eventType === 'review' && review.text).toContain('« très bien » 👟');
  });
});

describe('storefrontEventKey', () => {
  it('uses the user id when present, else the anonymous id', () => {
    expect(storefrontEventKey({ userId: 'u-1', anonymousId: 'a-1' })).toBe('u-1');
    expect(storefrontEventKey({ anonymousId: 'a-1' })).toBe('a-1');
  });

  it('refuses an event without any identity', () => {
    expect(() => storefrontEventKey({})).toThrow(/userId or anonymousId/);
  });
});

describe('topic registry', () => {
  it('names every topic with a major version suffix', () => {
    for (const name of topicNames) expect(name).toMatch(/^[a-z]+(\.[a-z-]+)*\.v\d+$/);
  });

  it('maps every topic to a schema that has golden fixtures', () => {
    // The two unions: of the storefront events, and of a reply's answer and error.
    const known = new Set<z.ZodType>([
      ...Object.values(contractSchemas),
      storefrontEventSchema,
      recommendationReplyV1Schema,
    ]);
    for (const name of topicNames) expect(known.has(topics[name].schema)).toBe(true);
  });

  it('includes the topics the platform loop needs', () => {
    expect(topicNames).toEqual(
      expect.arrayContaining([
        'events.raw.v1',
        'events.dlq.v1',
        'features.updated.v2',
        'training.examples.v2',
        'models.published.v1',
        'recommendations.requests.v1',
        'recommendations.v1',
      ]),
    );
  });

  it('takes an answer or an error on recommendations.v1, and tells them apart', () => {
    const fixture = (name: string) => readJson(join(FIXTURES, 'valid', name));
    const answer = recommendationReplyV1Schema.parse(fixture('recommendation-response.v1.json'));
    const error = recommendationReplyV1Schema.parse(fixture('recommendation-error.v1.json'));
    expect([isRecommendationError(answer), isRecommendationError(error)]).toEqual([false, true]);
    expect(
      recommendationReplyV1Schema.safeParse({ schemaVersion: 1, requestId: 'r' }).success,
    ).toBe(false);
  });

  it('prefixes physical topic names only when a prefix is configured', () => {
    expect(physicalTopicName('events.raw.v1')).toBe('events.raw.v1');
    expect(physicalTopicName('events.raw.v1', 'staging')).toBe('staging.events.raw.v1');
  });
});

describe('toValidationIssues', () => {
  it('bounds the number of issues reported', () => {
    const schema = z.array(z.string());
    const result = schema.safeParse(Array.from({ length: 100 }, (_, index) => index));
    expect(toValidationIssues(result.error!)).toHaveLength(20);
  });
});
