import type * as TS from 'typescript';

/** Climbs out of parentheses and `await`s around a call; says whether an `await` was among them. @internal */
export function climbFromCall(ts: typeof TS, node: TS.Node): { outer: TS.Node; awaited: boolean } {
  let outer = node;
  let awaited = false;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isAwaitExpression(outer.parent)) {
    if (ts.isAwaitExpression(outer.parent)) awaited = true;
    outer = outer.parent;
  }
  return { outer, awaited };
}

/** The text of a property name that is an identifier or a string literal (`X` of `ns.X` or `ns['X']`). @internal */
export function propertyNameText(ts: typeof TS, name: TS.Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name)) return name.text;
  return undefined;
}

/** The member read from `node`: `node.X`, `node['X']` or the type `node.X`. @internal */
export function memberOf(ts: typeof TS, node: TS.Node): TS.Node | undefined {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return parent.name;
  if (ts.isElementAccessExpression(parent) && parent.expression === node) return parent.argumentExpression;
  if (ts.isQualifiedName(parent) && parent.left === node) return parent.right;
  return undefined;
}

/** The identifiers of a qualified name, left to right: `a.b.C` → `a`, `b`, `C`. @internal */
export function entityNames(ts: typeof TS, name: TS.EntityName): TS.Identifier[] {
  return ts.isIdentifier(name) ? [name] : [...entityNames(ts, name.left), name.right];
}
