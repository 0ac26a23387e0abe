/**
 * An update request that parses but cannot be carried out (LOAD failed, a graph that must
 * exist does not, a blank node in a DELETE template...). The protocol layer maps it to 400.
 */
export class UpdateError extends Error {
  override readonly name = 'UpdateError';
}
