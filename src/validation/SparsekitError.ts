/**
 * The one error type sparsekit throws for bad input. Its message names the argument, what was
 * expected and what was received, so users never have to read a stack trace from inside tfjs.
 */
export class SparsekitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SparsekitError";
  }
}
