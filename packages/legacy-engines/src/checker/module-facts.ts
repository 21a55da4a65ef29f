import type * as TS from 'typescript';

/** A name brought in from another module: `name` is `*` for the whole module (a namespace), or `default`. */
export interface ImportedName {
  readonly specifier: string;
  readonly name: string;
}

/**
 * Where an exported name's value comes from: another module, or a top-level name of this file (or a `member` of it,
 * as in `module.exports = { Sup: legacy.SupervisorAgent }`).
 */
export type ExportSource =
  | ({ readonly kind: 'import' } & ImportedName)
  | { readonly kind: 'local'; readonly local: string; readonly member?: string };

/**
 * What one file imports and exports at its top level, read from the syntax alone; the module graph follows these
 * across the checked files to see which exported names carry a legacy engine name.
 */
export interface ModuleFacts {
  /** Exported name (`default` for the default export) → where it comes from. */
  readonly exports: ReadonlyMap<string, ExportSource>;
  /** The specifiers of `export * from '...'` and of `module.exports = require('...')`. */
  readonly stars: readonly string[];
  /** Top-level local name → the import, `require` or `await import()` it was bound from. */
  readonly imports: ReadonlyMap<string, ImportedName>;
  /** Whether the file assigns `module.exports` or `exports.x`: its default import is then the exports object. */
  readonly commonJs: boolean;
}

function unwrap(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAwaitExpression(current)) current = current.expression;
  return current;
}

/** The specifier of `require('x')` or `import('x')` (inside parentheses and `await`), else `undefined`. */
export function moduleCallSpecifier(ts: typeof TS, expression: TS.Expression): string | undefined {
  const call = unwrap(ts, expression);
  if (!ts.isCallExpression(call) || call.arguments.length !== 1) return undefined;
  const argument = call.arguments[0];
  if (argument === undefined || !ts.isStringLiteralLike(argument)) return undefined;
  const isRequire = ts.isIdentifier(call.expression) && call.expression.text === 'require';
  return isRequire || call.expression.kind === ts.SyntaxKind.ImportKeyword ? argument.text : undefined;
}

/** `require('x')` → the whole module; `require('x').Name` → that export; anything else → `undefined`. */
function importedValue(ts: typeof TS, expression: TS.Expression): ImportedName | undefined {
  const whole = moduleCallSpecifier(ts, expression);
  if (whole !== undefined) return { specifier: whole, name: '*' };
  const access = unwrap(ts, expression);
  if (ts.isPropertyAccessExpression(access)) {
    const specifier = moduleCallSpecifier(ts, access.expression);
    if (specifier !== undefined) return { specifier, name: access.name.text };
  }
  return undefined;
}

function hasModifier(ts: typeof TS, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

/** `module.exports` → `''`; `exports.x` or `module.exports.x` → `'x'`; anything else → `undefined`. */
function commonJsExportTarget(ts: typeof TS, target: TS.Expression): string | undefined {
  const isModuleExports = (node: TS.Expression) =>
    ts.isPropertyAccessExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'module' &&
    node.name.text === 'exports';
  if (isModuleExports(target)) return '';
  if (!ts.isPropertyAccessExpression(target)) return undefined;
  const owner = target.expression;
  return (ts.isIdentifier(owner) && owner.text === 'exports') || isModuleExports(owner) ? target.name.text : undefined;
}

/**
 * Reads a file's top-level imports (ESM imports, `import x = require()`, `const ... = require()` and
 * `const ... = await import()`) and exports (`export` declarations and lists, `export * from`, `export * as ns from`,
 * `export default name`, `module.exports = ...`, `exports.x = ...`).
 * @internal
 */
export function collectModuleFacts(ts: typeof TS, sourceFile: TS.SourceFile): ModuleFacts {
  const exports = new Map<string, ExportSource>();
  const imports = new Map<string, ImportedName>();
  const stars: string[] = [];
  let commonJs = false;

  const exportValue = (name: string, value: TS.Expression): void => {
    const imported = importedValue(ts, value);
    const access = unwrap(ts, value);
    if (imported !== undefined) exports.set(name, { kind: 'import', ...imported });
    else if (ts.isIdentifier(access)) exports.set(name, { kind: 'local', local: access.text });
    else if (ts.isPropertyAccessExpression(access) && ts.isIdentifier(access.expression)) {
      exports.set(name, { kind: 'local', local: access.expression.text, member: access.name.text });
    }
  };

  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteralLike(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name !== undefined) imports.set(clause.name.text, { specifier, name: 'default' });
      const named = clause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) imports.set(named.name.text, { specifier, name: '*' });
      if (named !== undefined && ts.isNamedImports(named)) {
        for (const element of named.elements)
          imports.set(element.name.text, { specifier, name: (element.propertyName ?? element.name).text });
      }
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const expression = statement.moduleReference.expression;
      if (ts.isStringLiteralLike(expression)) imports.set(statement.name.text, { specifier: expression.text, name: '*' });
    } else if (ts.isVariableStatement(statement)) {
      const exported = hasModifier(ts, statement, ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (exported && ts.isIdentifier(declaration.name))
          exports.set(declaration.name.text, { kind: 'local', local: declaration.name.text });
        const initializer = declaration.initializer;
        if (initializer === undefined) continue;
        const imported = importedValue(ts, initializer);
        if (imported !== undefined && ts.isIdentifier(declaration.name)) imports.set(declaration.name.text, imported);
        const specifier = moduleCallSpecifier(ts, initializer);
        if (specifier !== undefined && ts.isObjectBindingPattern(declaration.name)) {
          for (const element of declaration.name.elements) {
            const key = element.propertyName ?? element.name;
            if (element.dotDotDotToken || !ts.isIdentifier(element.name) || !(ts.isIdentifier(key) || ts.isStringLiteralLike(key)))
              continue;
            imports.set(element.name.text, { specifier, name: key.text });
            if (exported) exports.set(element.name.text, { kind: 'local', local: element.name.text });
          }
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier !== undefined && ts.isStringLiteralLike(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      const clause = statement.exportClause;
      if (clause === undefined) {
        if (specifier !== undefined) stars.push(specifier);
      } else if (ts.isNamespaceExport(clause)) {
        if (specifier !== undefined && ts.isIdentifier(clause.name))
          exports.set(clause.name.text, { kind: 'import', specifier, name: '*' });
      } else {
        for (const element of clause.elements) {
          const source = (element.propertyName ?? element.name).text;
          exports.set(
            element.name.text,
            specifier === undefined ? { kind: 'local', local: source } : { kind: 'import', specifier, name: source },
          );
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      if (!statement.isExportEquals) exportValue('default', statement.expression);
    } else if (
      (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      hasModifier(ts, statement, ts.SyntaxKind.ExportKeyword)
    ) {
      const name = statement.name?.text;
      const isDefault = hasModifier(ts, statement, ts.SyntaxKind.DefaultKeyword);
      if (name !== undefined) exports.set(isDefault ? 'default' : name, { kind: 'local', local: name });
    } else if (
      ts.isExpressionStatement(statement) &&
      ts.isBinaryExpression(statement.expression) &&
      statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
    ) {
      const { left, right } = statement.expression;
      const target = commonJsExportTarget(ts, left);
      if (target === undefined) continue;
      commonJs = true;
      if (target !== '') {
        exportValue(target, right);
      } else if (ts.isObjectLiteralExpression(right)) {
        for (const property of right.properties) {
          if (ts.isShorthandPropertyAssignment(property)) exports.set(property.name.text, { kind: 'local', local: property.name.text });
          else if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteralLike(property.name))) {
            exportValue(property.name.text, property.initializer);
          }
        }
      } else {
        const specifier = moduleCallSpecifier(ts, right);
        if (specifier !== undefined) stars.push(specifier); // `module.exports = require('...')`
      }
    }
  }
  return { exports, stars, imports, commonJs };
}
