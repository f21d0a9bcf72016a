/*
 * Taking a secret (a password, a token, a cookie) out of a text: the tool's own messages
 * (Context.redact) and recordings (src/recording/scrub.ts) both do it here. A server may echo
 * what it was sent anywhere: FastAPI's validation errors put the submitted value in `input`,
 * a message may quote it, a text body may contain it JSON-escaped.
 */

/** A secret this long is replaced wherever it appears in a text. */
export const REPLACED_ANYWHERE = 8;

/**
 * `text` with `secret` replaced by `placeholder`: the whole text when it is the secret; else
 * every occurrence, as is or JSON-escaped, of a secret of REPLACED_ANYWHERE characters or
 * more; a shorter one only where it stands alone, quoted ('x', "x", `x`) or as a value in a
 * query (`?p=x&`), since replacing a password such as "wrong" everywhere would garble every
 * sentence that holds the word.
 */
export function redactSecret(text: string, secret: string, placeholder: string): string {
  if (secret === '') return text;
  if (text === secret) return placeholder;
  let out = text;
  for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
    if (form.length >= REPLACED_ANYWHERE) {
      out = out.split(form).join(placeholder);
    } else {
      for (const q of ['"', "'", '`']) out = out.split(`${q}${form}${q}`).join(`${q}${placeholder}${q}`);
      const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`=${escaped}(?=[&#]|$)`, 'g'), `=${placeholder}`);
    }
  }
  return out;
}
