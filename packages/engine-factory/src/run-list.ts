/** A node that can sit in one `RunList` at a time (its links live on the node itself). @internal */
export interface RunListNode<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * An intrusive doubly linked FIFO list: push at the tail, shift from the head, remove any node in
 * O(1). The links live on the runs themselves, so queueing and cancelling allocate nothing; an
 * engine uses one for its waiting runs and one for its running ones.
 * @internal
 */
export class RunList<T extends RunListNode<T>> {
  head: T | undefined = undefined;
  tail: T | undefined = undefined;
  size = 0;

  /** Appends `node` (which must not be in a list). */
  push(node: T): void {
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.size++;
  }

  /** Removes and returns the oldest node. */
  shift(): T | undefined {
    const node = this.head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** Unlinks `node`, which must be in this list. */
  remove(node: T): void {
    const { prev, next } = node;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    node.prev = undefined;
    node.next = undefined;
    this.size--;
  }
}
