// UserErrors from mutation payloads, indexed by the input field they name.
export interface UserError {
  code: string;
  message: string;
  field: readonly string[] | null;
}

/** Errors by dotted field path ("spec.ingredients.2.quantity"); "" holds those without a field. */
export class FieldErrors {
  private readonly byPath = new Map<string, UserError[]>();

  constructor(readonly all: readonly UserError[] = []) {
    for (const error of all) {
      const key = (error.field ?? []).join('.');
      this.byPath.set(key, [...(this.byPath.get(key) ?? []), error]);
    }
  }

  get any(): boolean {
    return this.all.length > 0;
  }

  /** Errors at exactly this path. */
  at(path: string): UserError[] {
    return this.byPath.get(path) ?? [];
  }

  /** Errors whose path is not one of ``shown`` (so nothing is ever silently dropped). */
  others(shown: readonly string[]): UserError[] {
    return this.all.filter((e) => !shown.includes((e.field ?? []).join('.')));
  }

  /** The same errors with a leading path segment removed (e.g. "input" or "spec"). */
  within(prefix: string): FieldErrors {
    const inner = this.all
      .filter((e) => e.field?.[0] === prefix)
      .map((e) => ({ ...e, field: e.field!.slice(1) }));
    return new FieldErrors(inner);
  }
}
