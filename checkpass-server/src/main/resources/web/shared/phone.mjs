// The one phone rule, for the pages: io.checkpass.core.registry.PhoneNumber.parse in JavaScript (its javadoc has the
// rule and why). A property test (PhoneNumberRuleTest) runs this file in node and holds it, the Java and the SQL
// function canonical_phone to the same answers, so a number the scanner accepts is one the centre accepts, with the
// same lookup value. Plain ECMAScript with no imports, so node loads it as it is.

export const MIN_DIGITS = 7;
export const MAX_DIGITS = 15;

/** The canonical digits of a phone number as a person writes it, or null when it is no phone number. */
export function canonicalPhone(text) {
  if (typeof text !== 'string') return null;
  const kept = text.replace(/[ \-.()]/g, '');
  if (!/^\+?[0-9]+$/.test(kept)) return null;
  const digits = kept.replace(/^\+/, '').replace(/^820?/, '0');
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS ? digits : null;
}
