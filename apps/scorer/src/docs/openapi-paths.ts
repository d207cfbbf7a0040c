/** The operations of the scorer's OpenAPI document: parameters, bodies and every answer they can get. */
import {
  componentRef as ref,
  errorResponse,
  idSchema,
  jsonContent as json,
  offerRequestV1Schema,
  pathParameter,
  queryParameters,
  recommendationQueryV1Schema,
} from '@recsys/contracts';
import { experimentIdSchema } from '@recsys/experiments';

export const ADMIN_SECURITY_SCHEME = 'adminToken';

const admin = { security: [{ [ADMIN_SECURITY_SCHEME]: [] }] };

const ok = (description: string, component: string) => ({
  '200': { description, content: json(ref(component)) },
});

const errors = {
  invalid: errorResponse(
    'The request breaks its contract; each issue is listed (REQUEST_INVALID).',
  ),
  notJson: errorResponse(
    'The request breaks its contract (REQUEST_INVALID) or the body is not JSON (PAYLOAD_NOT_JSON).',
  ),
  unauthorized: errorResponse('No valid admin bearer token (Authorization: Bearer <ADMIN_TOKEN>).'),
  forbidden: errorResponse(
    'Admin endpoints are disabled: the scorer has no ADMIN_TOKEN configured.',
  ),
  tooLarge: errorResponse('The body is over 1 MiB.'),
  notJsonMedia: errorResponse('The body is not `application/json` (UNSUPPORTED_MEDIA_TYPE).'),
  unavailable: errorResponse('Redis or Kafka did not answer in time; retry later.', {
    retryAfter: true,
  }),
};

const bodyErrors = {
  '400': errors.notJson,
  '413': errors.tooLarge,
  '415': errors.notJsonMedia,
};
const adminErrors = { '401': errors.unauthorized, '403': errors.forbidden };

const experimentId = pathParameter('id', experimentIdSchema, 'Experiment id.');
const unknownExperiment = errorResponse('No experiment with this id (EXPERIMENT_UNKNOWN).');

/** A shopper's id in the path and the recommendation query (the list and its operator preview). */
const recommendationParameters = () => [
  pathParameter('userId', idSchema, 'Storefront user id (or anonymous id).'),
  ...queryParameters(recommendationQueryV1Schema),
];

function recommendationPaths(): Record<string, unknown> {
  return {
    '/v1/recommendations/{userId}': {
      get: {
        operationId: 'recommend',
        summary: 'Top-K items for a shopper (or an anonymous device id with `anonymous=true`).',
        tags: ['recommendations'],
        parameters: recommendationParameters(),
        responses: {
          ...ok('The list, best first; logged as a recommendation impression.', 'ServedResponse'),
          '400': errors.invalid,
          '431': errorResponse(
            'The request line and headers are over 16 KiB, e.g. a long `exclude` of non-ASCII ids ' +
              'once percent-encoded (HTTP_431): send fewer, or use POST /v1/rank.',
          ),
          '503': errors.unavailable,
        },
      },
    },
    '/v1/recommendations/{userId}/preview': {
      get: {
        operationId: 'previewRecommendations',
        summary:
          'What the shopper would get, for an operator (admin): the same answer, logged as no ' +
          'impression and counted in no metric or experiment.',
        tags: ['recommendations'],
        ...admin,
        parameters: recommendationParameters(),
        responses: {
          ...ok('The list, best first; nothing logged.', 'ServedResponse'),
          '400': errors.invalid,
          ...adminErrors,
          '431': errorResponse(
            'The request line and headers are over 16 KiB (HTTP_431): send a shorter `exclude`.',
          ),
          '503': errors.unavailable,
        },
      },
    },
    '/v1/rank': {
      post: {
        operationId: 'rank',
        summary:
          'Personalised order of the given items (e.g. search results); every one comes back.',
        tags: ['recommendations'],
        requestBody: { required: true, content: json(ref('RankRequestV1')) },
        responses: {
          ...ok(
            'The items, best first; unknown items last, in their given order.',
            'ServedResponse',
          ),
          ...bodyErrors,
          '503': errors.unavailable,
        },
      },
    },
  };
}

function experimentPaths(): Record<string, unknown> {
  return {
    '/v1/experiments': {
      get: {
        operationId: 'listExperiments',
        summary: 'Every experiment definition, by id.',
        tags: ['experiments'],
        responses: { ...ok('The definitions.', 'ExperimentList'), '503': errors.unavailable },
      },
    },
    '/v1/experiments/{id}': {
      get: {
        operationId: 'getExperiment',
        summary: 'One experiment definition.',
        tags: ['experiments'],
        parameters: [experimentId],
        responses: {
          ...ok('The definition.', 'Experiment'),
          '400': errors.invalid,
          '404': unknownExperiment,
          '503': errors.unavailable,
        },
      },
      put: {
        operationId: 'putExperiment',
        summary: 'Create or replace an experiment (admin). The body id must equal the path id.',
        tags: ['experiments'],
        ...admin,
        parameters: [experimentId],
        requestBody: { required: true, content: json(ref('Experiment')) },
        responses: {
          ...ok('An existing definition was replaced (`status: replaced`).', 'ExperimentSaved'),
          '201': {
            description: 'A new experiment was stored (`status: created`); Location names it.',
            headers: {
              Location: {
                description: 'The experiment: `/v1/experiments/{id}`.',
                required: true,
                schema: { type: 'string' },
              },
            },
            content: json(ref('ExperimentSaved')),
          },
          ...bodyErrors,
          ...adminErrors,
          '503': errors.unavailable,
        },
      },
    },
  };
}

function experimentActionPaths(): Record<string, unknown> {
  return {
    '/v1/experiments/{id}/report': {
      get: {
        operationId: 'experimentReport',
        summary: 'Per-arm CTR and conversion with intervals, uplift against control, the decision.',
        tags: ['experiments'],
        parameters: [experimentId],
        responses: {
          ...ok('The report.', 'ExperimentReportResponse'),
          '400': errors.invalid,
          '404': unknownExperiment,
          '503': errors.unavailable,
        },
      },
    },
    '/v1/experiments/{id}/conclude': {
      post: {
        operationId: 'concludeExperiment',
        summary:
          "Apply the guardrails' decision (admin): promote the winning arm, or keep everything.",
        tags: ['experiments'],
        ...admin,
        parameters: [experimentId],
        responses: {
          ...ok('The decision, the report it rests on and the experiment after it.', 'Conclusion'),
          '400': errorResponse(
            'Invalid id (REQUEST_INVALID), or the change was refused (EXPERIMENT_INVALID).',
          ),
          ...adminErrors,
          '404': unknownExperiment,
          '503': errors.unavailable,
        },
      },
    },
  };
}

function offerPaths(): Record<string, unknown> {
  return {
    '/v1/offers': {
      post: {
        operationId: 'chooseOfferRecipients',
        summary:
          'Which of the given shoppers get a coupon under the budget, with a holdout (admin).',
        tags: ['offers'],
        ...admin,
        requestBody: { required: true, content: json(ref('OfferRequestV1')) },
        responses: {
          ...ok('Recipients and holdout, with expected conversions and spend.', 'OfferAnswer'),
          ...bodyErrors,
          ...adminErrors,
          '503': errors.unavailable,
        },
      },
    },
    '/v1/offers/{campaignId}': {
      get: {
        operationId: 'offerOutcomes',
        summary: "A campaign's outcomes: treatment against holdout, per propensity bucket.",
        tags: ['offers'],
        parameters: [
          pathParameter('campaignId', offerRequestV1Schema.shape.campaignId, 'Campaign id.'),
        ],
        responses: {
          ...ok('The outcomes.', 'OfferOutcomes'),
          '400': errors.invalid,
          '503': errors.unavailable,
        },
      },
    },
  };
}

export function scorerPaths(): Record<string, unknown> {
  return {
    ...recommendationPaths(),
    ...experimentPaths(),
    ...experimentActionPaths(),
    ...offerPaths(),
  };
}
