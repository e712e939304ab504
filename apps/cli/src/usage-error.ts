/** An error in how the command was called (flags, arguments): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}
