/** An error as the library's errors carry it: a message, and the body of the answer (--verbose shows it). */
export type Caught = Error & { body?: string | undefined };

function asError(err: unknown): Caught {
  if (err instanceof Error) return err;
  throw new Error(`threw a non-Error: ${String(err)}`);
}

/**
 * What `fn` threw, or what the promise it returned rejected with (then awaited); fails the
 * test when the call succeeded, or threw something that is not an Error.
 */
export function caught(fn: () => Promise<unknown>): Promise<Caught>;
export function caught(fn: () => unknown): Caught;
export function caught(fn: () => unknown): Caught | Promise<Caught> {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    return asError(err);
  }
  if (result instanceof Promise) {
    return result.then(() => {
      throw new Error('expected a rejection, but the call succeeded');
    }, asError);
  }
  throw new Error('expected an error, but the call returned');
}

/** The message and the answer's body: all that an error could show of what it was sent. */
export function messageAndBody(err: Caught): string {
  return String(err.message + (err.body ?? ''));
}
