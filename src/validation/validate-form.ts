/**
 * validateForm: Django's bound form for HTML pages. Reads the submitted form, builds and
 * validates the DTO, and gives what a template needs to re-render: `isValid`, the typed
 * `data`, `errors` per field, `nonFieldErrors`, and `values` as the user typed them.
 */
import type { HttpRequest } from '../http/request';
import { dtoSchema } from './dto-schema';
import type { FieldErrors } from './validation-failed';
import { validateOptionsFor } from './dto-arguments';

export class Form<T extends object> {
  constructor(
    /** The typed DTO (check isValid first). */
    readonly data: T,
    readonly errors: FieldErrors,
    /** What the user typed, by field name (a string, or strings for repeated fields). */
    readonly values: Record<string, string | string[]>,
    readonly nonFieldErrors: string[] = [],
  ) {}

  get isValid(): boolean {
    return Object.keys(this.errors).length === 0 && this.nonFieldErrors.length === 0;
  }

  /** Adds an error found by the view (e.g. "wrong password"); `field` null for the whole form. */
  addError(field: string | null, message: string): void {
    if (field === null) this.nonFieldErrors.push(message);
    else (this.errors[field] ??= []).push(message);
  }
}

/**
 * @example
 * const form = await validateForm(request, CreatePostDto);
 * if (!form.isValid) return render(request, 'posts/form.ejs', { form }, { status: 400 });
 * await posts.create(form.data);
 * return redirect(reverse('posts:list'));
 */
export async function validateForm<T extends object>(request: HttpRequest, dto: new () => T): Promise<Form<T>> {
  await request.load();
  const form = request.POST;
  const { validateInput } = require('./validate-dto') as typeof import('./validate-dto');
  const result = await validateInput(dtoSchema(dto), { kind: 'form', value: form }, validateOptionsFor(request));
  return new Form(result.instance as T, result.errors, form.toObject());
}
