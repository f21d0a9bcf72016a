/**
 * Whether writes are under way, for the binary's SIGINT handler: during writes a first Ctrl-C
 * only stops new requests (in-flight ones finish, the journal is flushed, exit 130);
 * otherwise nothing has been changed and the process can stop at once.
 */
export const writePhase = { active: false };
