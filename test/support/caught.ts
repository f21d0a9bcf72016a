/** An error as the tool's errors carry it: a message, and details that --verbose adds. */
export type Caught = Error & { details?: string | undefined };

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

/** The message and the details, as --verbose shows them. */
export function messageAndDetails(err: Caught): string {
  return String(err.message + (err.details ?? ''));
}
