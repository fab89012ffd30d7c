/**
 * A number field as the DBA typed it, made a number for the request: the
 * contract takes numbers only, so text becomes a number here and nowhere
 * else. Text that is not a number becomes NaN, which main refuses with the
 * field's own message ("The port must be a number.").
 */
export function numberField(text: string): number {
  const clean = text.trim();
  return clean === '' ? Number.NaN : Number(clean);
}

/** As numberField, but a blank field is left out (main then applies its default). */
export function optionalNumberField(text: string): number | undefined {
  return text.trim() === '' ? undefined : numberField(text);
}
