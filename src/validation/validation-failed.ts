/**
 * ValidationFailed: a DTO or form failed validation (400), with the errors per field in
 * the problem document. Kept apart from the validator so importing it loads nothing heavy.
 */
import { BadRequest } from '../http/errors';

export type FieldErrors = Record<string, string[]>;

export class ValidationFailed extends BadRequest {
  constructor(readonly errors: FieldErrors) {
    const summary = Object.entries(errors)
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
      .join('; ');
    super(`The input is not valid (${summary})`, { errors });
  }
}
