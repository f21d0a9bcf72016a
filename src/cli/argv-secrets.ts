/*
 * Secrets typed on the command line by mistake (`login --password=hunter2`, `--token abc`):
 * the tool takes none, but commander's errors repeat what it could not parse, value included,
 * on stderr and in --json. Every error message goes through scrubArgv first: an unknown
 * option is named without its value, and whatever follows a password-, token- or secret-like
 * option is never shown.
 */

/** Options whose value would be a secret, whatever their exact spelling. */
const SECRET_OPTION =
  /^-{1,2}[\w-]*(pass(word|wd|phrase)?|pwd|token|secret|cookie|session|credential|api-?key)[\w-]*$/i;
/** The tool's own options of that kind, which take no value: what follows them is no secret. */
const NO_VALUE = new Set(['--password-stdin', '--token-stdin']);
/** What looks like an option rather than a value. */
const FLAG = /^--?[A-Za-z][\w-]*$/;

export const REDACTED = '<redacted>';

/** The values given to secret-like options in `argv`: `--password=x`, `--password x`. */
export function argvSecrets(argv: readonly string[]): string[] {
  const secrets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!SECRET_OPTION.test(name) || NO_VALUE.has(name)) continue;
    const value = eq < 0 ? argv[i + 1] : arg.slice(eq + 1);
    if (value !== undefined && value !== '' && (eq >= 0 || !FLAG.test(value))) secrets.push(value);
  }
  return secrets;
}

/** How to give what an unknown secret-like option tried to give. */
function advice(name: string): string | undefined {
  if (!SECRET_OPTION.test(name)) return undefined;
  if (/token|session|cookie/i.test(name)) {
    return 'a token is never given as an option: set ECOTAXA_TOKEN, or pipe it to `ecotaxa-access login --token-stdin`';
  }
  return 'a password is never given as an option: `ecotaxa-access login` asks for it, or pipe it with --password-stdin (see `ecotaxa-access login --help`)';
}

/**
 * An error message without the secrets of `argv`: an unknown option is named alone (`--x=y`
 * as `--x`, `-pSECRET` as `-p`, with advice for a password or token), and each secret value,
 * quoted or not, is replaced by <redacted>.
 */
export function scrubArgv(message: string, argv: readonly string[]): string {
  let out = message.replace(/unknown option '(-[^']*)'/g, (_all, flag: string) => {
    const name = flag.startsWith('--') ? (flag.split('=')[0] ?? flag) : flag.slice(0, 2);
    const hint = advice(name);
    return `unknown option '${name}'${hint === undefined ? '' : `: ${hint}`}`;
  });
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of [...argvSecrets(argv)].sort((a, b) => b.length - a.length)) {
    out = out.split(`'${secret}'`).join(`'${REDACTED}'`).split(`"${secret}"`).join(`"${REDACTED}"`);
    // Unquoted, only where it cannot be a common word of the message itself.
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}
