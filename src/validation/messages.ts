/**
 * The messages of form and DTO errors, worded as Django's ("This field is required.",
 * "Ensure this value has at least 3 characters (it has 1).") instead of class-validator's
 * ("title must be longer than or equal to 3 characters"). One catalogue, keyed by
 * class-validator's constraint names plus `required` and `unknownField`; an app replaces
 * or translates any of them with `settings.validationMessages`. A message the DTO gives
 * itself (`@Length(3, 120, { message: '...' })`, a custom constraint's defaultMessage) is kept.
 */

/** What a message can say: the rejected value and the decorator's arguments (`@Length(3, 120)` → [3, 120]). */
export interface MessageContext {
  property: string;
  value: unknown;
  constraints: readonly unknown[];
}

export type ValidationMessage = (context: MessageContext) => string;
export type ValidationMessages = Record<string, ValidationMessage>;

const length = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : 0);
const shorter = (min: unknown, value: unknown) =>
  `Ensure this value has at least ${String(min)} characters (it has ${length(value)}).`;
const longer = (max: unknown, value: unknown) =>
  `Ensure this value has at most ${String(max)} characters (it has ${length(value)}).`;

export const DEFAULT_VALIDATION_MESSAGES: Readonly<ValidationMessages> = Object.freeze({
  required: () => 'This field is required.',
  isNotEmpty: () => 'This field is required.',
  isDefined: () => 'This field is required.',
  isLength: ({ value, constraints: [min, max] }) =>
    typeof min === 'number' && length(value) < min ? shorter(min, value) : longer(max, value),
  minLength: ({ value, constraints: [min] }) => shorter(min, value),
  maxLength: ({ value, constraints: [max] }) => longer(max, value),
  isString: () => 'Enter text.',
  isEmail: () => 'Enter a valid email address.',
  isUrl: () => 'Enter a valid URL.',
  isUUID: () => 'Enter a valid UUID.',
  isInt: () => 'Enter a whole number.',
  isNumber: () => 'Enter a number.',
  isPositive: () => 'Ensure this value is greater than 0.',
  min: ({ constraints: [min] }) => `Ensure this value is greater than or equal to ${String(min)}.`,
  max: ({ constraints: [max] }) => `Ensure this value is less than or equal to ${String(max)}.`,
  isBoolean: () => 'Enter true or false.',
  isDate: () => 'Enter a valid date.',
  isDateString: () => 'Enter a valid date.',
  isISO8601: () => 'Enter a valid date.',
  isIn: ({ value, constraints: [choices] }) =>
    `Select a valid choice. ${String(value)} is not one of the available choices${Array.isArray(choices) ? ` (${choices.join(', ')})` : ''}.`,
  isEnum: ({ value }) => `Select a valid choice. ${String(value)} is not one of the available choices.`,
  isArray: () => 'Enter a list of values.',
  arrayMinSize: ({ value, constraints: [min] }) =>
    `Ensure this list has at least ${String(min)} items (it has ${length(value)}).`,
  arrayMaxSize: ({ value, constraints: [max] }) =>
    `Ensure this list has at most ${String(max)} items (it has ${length(value)}).`,
  matches: () => 'Enter a valid value.',
  unknownField: ({ property }) => `${property} is not a field of this form.`,
});
