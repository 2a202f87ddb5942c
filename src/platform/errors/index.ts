import type { ZodError } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/** An error a user can cause: it carries an HTTP status and never a stack trace to the user. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Page not found') {
    super(404, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'You do not have permission to do this') {
    super(403, message);
  }
}

export class UnauthenticatedError extends HttpError {
  constructor(message = 'You need to sign in') {
    super(401, message);
  }
}

/** Bad input: names every field that was wrong. */
export class ValidationError extends HttpError {
  constructor(readonly fields: FieldError[]) {
    super(400, 'There is a problem with what was entered');
  }

  static fromZod(error: ZodError): ValidationError {
    const seen = new Set<string>();
    const fields: FieldError[] = [];
    for (const issue of error.issues) {
      const field = issue.path.join('.') || 'body';
      if (seen.has(field)) continue;
      seen.add(field);
      fields.push({ field, message: issue.message });
    }
    return new ValidationError(fields);
  }

  static one(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}
