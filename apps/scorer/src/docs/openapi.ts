/**
 * The scorer's OpenAPI 3.1 document, generated from the zod schemas that validate its requests
 * (libs/contracts, libs/experiments) and describe its answers (scorer-responses.ts), with the shared
 * parts from libs/contracts' OpenAPI builder. Rules JSON Schema cannot state are described on the schema
 * that carries them (an experiment's arm shares sum to 1, …).
 */
import {
  ERROR_RESPONSE_COMPONENT,
  componentJsonSchemas,
  errorResponseV1Schema,
  offerRequestV1Schema,
  openApiDocument,
  operationalPaths,
  rankRequestV1Schema,
  type JsonSchema,
  type OpenApiDocument,
} from '@recsys/contracts';
import { experimentSchema } from '@recsys/experiments';
import { ADMIN_SECURITY_SCHEME, scorerPaths } from './openapi-paths';
import {
  conclusionSchema,
  experimentListSchema,
  experimentReportResponseSchema,
  experimentSavedSchema,
  offerAnswerSchema,
  offerOutcomesSchema,
  servedResponseSchema,
} from './scorer-responses';

const EXPERIMENT_RULES =
  'Also checked: arm names are unique, arm shares sum to 1 (± 1e-9), `controlArm` names an arm, every ' +
  'status but `draft` has `startedAt`, and a `promotion` names an arm.';

export function buildScorerOpenApiDocument(): OpenApiDocument {
  return openApiDocument({
    info: {
      title: 'recsys scorer',
      version: '1.0.0',
      description:
        'Personalised recommendations and re-ranking, A/B experiments and coupon offers. Every error ' +
        'carries a stable `error.code`; 503 answers carry Retry-After; a method a path does not ' +
        'declare gets 405 (METHOD_NOT_ALLOWED) with Allow. Admin operations need ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`.',
    },
    paths: { ...scorerPaths(), ...operationalPaths() },
    schemas: componentSchemas(),
    securitySchemes: {
      [ADMIN_SECURITY_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description: "The scorer's ADMIN_TOKEN.",
      },
    },
  });
}

function componentSchemas(): Record<string, JsonSchema> {
  return componentJsonSchemas(
    {
      ServedResponse: servedResponseSchema,
      RankRequestV1: rankRequestV1Schema,
      Experiment: experimentSchema,
      ExperimentList: experimentListSchema,
      ExperimentSaved: experimentSavedSchema,
      ExperimentReportResponse: experimentReportResponseSchema,
      Conclusion: conclusionSchema,
      OfferRequestV1: offerRequestV1Schema,
      OfferAnswer: offerAnswerSchema,
      OfferOutcomes: offerOutcomesSchema,
      [ERROR_RESPONSE_COMPONENT]: errorResponseV1Schema,
    },
    {
      override: ({ zodSchema, jsonSchema }) => {
        if (zodSchema === experimentSchema) jsonSchema['description'] = EXPERIMENT_RULES;
      },
    },
  );
}
