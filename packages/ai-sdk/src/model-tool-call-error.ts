/**
 * How a model's tool call fails in Baton's events when the AI SDK gave no `Error` of its own: no
 * result came back (a tool without `execute`, an approval pending, the run stopped), the call was
 * denied, or the SDK reported only a message.
 * @internal
 */
export class ModelToolCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelToolCallError';
  }
}
