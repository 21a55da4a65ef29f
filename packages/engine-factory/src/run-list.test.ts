import { describe, expect, it } from 'vitest';
import { RunList, type RunListNode } from './run-list.js';

class Node implements RunListNode<Node> {
  prev: Node | undefined;
  next: Node | undefined;
  constructor(readonly id: number) {}
}

function ids(list: RunList<Node>): number[] {
  const out: number[] = [];
  for (let node = list.head; node !== undefined; node = node.next) out.push(node.id);
  return out;
}

describe('RunList', () => {
  it('shifts nodes in the order they were pushed (FIFO)', () => {
    const list = new RunList<Node>();
    for (const id of [1, 2, 3]) list.push(new Node(id));
    expect([list.shift()?.id, list.shift()?.id, list.shift()?.id, list.shift()]).toEqual([1, 2, 3, undefined]);
    expect(list.size).toBe(0);
  });

  it('removes a node from the middle, the head or the tail and keeps the order of the rest', () => {
    const list = new RunList<Node>();
    const nodes = [1, 2, 3, 4, 5].map((id) => new Node(id));
    for (const node of nodes) list.push(node);
    list.remove(nodes[2]!);
    list.remove(nodes[0]!);
    list.remove(nodes[4]!);
    expect(ids(list)).toEqual([2, 4]);
    expect(list.size).toBe(2);
    expect(list.tail?.id).toBe(4);
    expect(nodes[2]!.next).toBeUndefined();
  });

  it('accepts a removed node again', () => {
    const list = new RunList<Node>();
    const node = new Node(1);
    list.push(node);
    list.remove(node);
    list.push(node);
    expect(ids(list)).toEqual([1]);
  });
});
