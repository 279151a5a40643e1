const camelBoundary = /([a-z\d])([A-Z])|([A-Z]+)([A-Z][a-z])/g;
const identifier = /[A-Za-z_$][\w$]*/g;

/**
 * The text that goes into the full-text index for a chunk, or that a text query is
 * matched with: identifiers are split into their words (`refundCharge` and
 * `refund_charge` both give `refund charge`) and the whole compound identifiers are
 * kept as well, so an exact identifier still scores above its scattered words.
 */
export function searchText(text: string): string {
  const compounds: string[] = [];
  for (const match of text.matchAll(identifier)) {
    const word = match[0];
    if (/[a-z][A-Z]|[A-Z]{2}[a-z]|_/.test(word) && word.length <= 64) compounds.push(word.replace(/[_$]/g, ''));
  }
  const split = text.replace(camelBoundary, (_all, lower, upper, run, next) => (lower ? `${lower} ${upper}` : `${run} ${next}`)).replace(/[_$]/g, ' ');
  return compounds.length > 0 ? `${split}\n${compounds.join(' ')}` : split;
}
