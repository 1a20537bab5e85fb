/**
 * Personal data out of a text before it is kept: long digit runs (phone, id and card numbers),
 * e-mail addresses and @usernames become placeholders. What is kept is what the README declares.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const USERNAME = /@[A-Za-z0-9_]{3,}/g;
/** Seven digits or more, possibly spaced or dashed (138 0013 8000, 138-0013-8000, ＋86…). */
const DIGITS = /\+?\d(?:[\s-]?\d){6,}/g;

export function scrubPersonalData(text: string): string {
  return text.normalize('NFKC').replace(EMAIL, '<email>').replace(USERNAME, '<user>').replace(DIGITS, '<number>');
}
