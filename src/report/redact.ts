/** What a secret is replaced with, so a reader sees that something was there. */
export const REDACTED = '[REDACTED]';

/** Names whose values are secrets: `DB_PASSWORD`, `aws_secret_access_key`, `x-api-key`, `githubToken`… */
const SECRET_NAME = String.raw`[\w.-]*?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|session[_-]?id)s?(?:[_.-][\w.-]*)?`;
const SECRET_NAME_ONLY = new RegExp(`^${SECRET_NAME}$`, 'i');

const RULES: [RegExp, string | ((...groups: string[]) => string)][] = [
  // A whole PEM block, or its first line when the log was cut line by line.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, `${REDACTED} private key`],
  // Authorization and cookie headers: everything after the header name, whatever the scheme.
  [/\b((?:proxy-)?authorization|x-auth-token|set-cookie|cookie)(["']?\s*[:=]\s*)[^\n]*/gi, (_m, name, sep) => `${name}${sep}${REDACTED}`],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, scheme) => `${scheme} ${REDACTED}`],
  // name=value, name: value, "name": "value", name='value'.
  [
    new RegExp(String.raw`(["']?)\b(${SECRET_NAME})\1(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}\]]+)`, 'gi'),
    (_m, quote, name, sep, value) => `${quote}${name}${quote}${sep}${value.startsWith('"') ? `"${REDACTED}"` : value.startsWith("'") ? `'${REDACTED}'` : REDACTED}`,
  ],
  // user:password@host in a URL.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, (_m, head) => `${head}:${REDACTED}@`],
  // AWS access key ids, and the 40-character secret that travels with them.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g, REDACTED],
  [/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, (match) => (/[A-Z]/.test(match) && /[a-z]/.test(match) && /[0-9/+]/.test(match) ? REDACTED : match)],
  // Well-known token shapes: GitHub, Slack, JWTs.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED],
];

/** Pure: `text` with whatever looks like a secret replaced by `[REDACTED]`; the rest kept as it was. */
export function redact(text: string): string {
  return RULES.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement as never), text);
}

/** Whether a field of this name holds a secret, whatever its value looks like. */
export const isSecretName = (name: string): boolean => SECRET_NAME_ONLY.test(name);

/** Pure: every string in a JSON-like value redacted, and every field named like a secret emptied. */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown, name?: string): unknown {
  if (name !== undefined && isSecretName(name) && (typeof value === 'string' || typeof value === 'number')) return REDACTED;
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => walk(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, key)]));
  return value;
}
