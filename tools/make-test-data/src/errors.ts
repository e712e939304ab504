/** Thrown when the generator is asked for something it cannot build (a wrong size, no room for a particle…). */
export class TestDataError extends Error {
  override readonly name = 'TestDataError';
}
