/** Turns zod failures into the flat, bounded issue list used in HTTP errors and dead letters. */
import type { z } from 'zod';
import type { ValidationIssue } from './messages/dead-letter.v1';

const MAX_ISSUES = 20;

export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.').slice(0, 512),
    message: issue.message.slice(0, 1024),
  }));
}
