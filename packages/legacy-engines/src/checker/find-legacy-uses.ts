import type * as TS from 'typescript';
import { isLegacyEngineName, type LegacyEngineName } from '../legacy-names.js';
import { getMigrationGuide } from '../migration-guides.js';
import { createAnalysisProgram, forEachChildAndJsDoc, isJavaScriptFile, type SourceInput } from './analysis-program.js';
import type { FileAnalysis, ImportedLegacyBinding, ImportSite, LocatedUse } from './file-analysis.js';
import type { LegacyUse, LegacyUseKind } from './legacy-use.js';
import { markersWithoutUses } from './marker-coverage.js';
import { collectModuleFacts, type ModuleFacts } from './module-facts.js';
import { type LegacyBinding, ModuleGraph, type ModuleTarget } from './module-graph.js';
import { climbFromCall, entityNames, memberOf, propertyNameText } from './syntax-helpers.js';

export type { SourceInput } from './analysis-program.js';
export type { FileAnalysis, ImportedLegacyBinding, ImportSite, LocatedUse } from './file-analysis.js';
export type { LegacyUse, LegacyUseKind } from './legacy-use.js';

/** Finds legacy imports and uses in one parsed file. */
function analyzeSourceFile(
  ts: typeof TS,
  checker: TS.TypeChecker,
  graph: ModuleGraph,
  sourceFile: TS.SourceFile,
  file: string,
): FileAnalysis {
  const uses: LocatedUse[] = [];
  const importSites: ImportSite[] = [];
  const bindings = new Map<TS.Symbol, LegacyEngineName>();
  const namespaces = new Map<TS.Symbol, ModuleTarget>();
  const declarationNames = new Set<TS.Node>();
  const referenced = new Set<TS.Symbol>();
  const withJsDoc = isJavaScriptFile(file);

  const report = (node: TS.Node, legacyName: LegacyEngineName, kind: LegacyUseKind): void => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    const { replacement, importPath } = getMigrationGuide(legacyName);
    uses.push({ file, line: line + 1, column: character + 1, legacyName, kind, replacement, importPath, node });
  };
  const reportAll = (node: TS.Node, target: ModuleTarget, kind: LegacyUseKind, shadowedBy?: string): void => {
    for (const legacyName of graph.legacyNamesOf(target, shadowedBy)) report(node, legacyName, kind);
  };
  const bind = (name: TS.Node, legacyName: LegacyEngineName): TS.Symbol | undefined => {
    declarationNames.add(name);
    const symbol = checker.getSymbolAtLocation(name);
    if (symbol !== undefined) bindings.set(symbol, legacyName);
    return symbol;
  };
  const bindNamespace = (name: TS.Node, target: ModuleTarget): void => {
    declarationNames.add(name);
    const symbol = checker.getSymbolAtLocation(name);
    if (symbol !== undefined) namespaces.set(symbol, target);
  };

  /** `ns.X`, `ns['X']`, `ns.inner.X` where `node` is a namespace of `target`. */
  const followMembers = (node: TS.Node, target: ModuleTarget, kind: LegacyUseKind): void => {
    const member = memberOf(ts, node);
    const name = propertyNameText(ts, member);
    if (member === undefined || name === undefined) return;
    const binding = graph.exportOf(target, name);
    if (binding?.kind === 'name') report(member, binding.legacyName, kind);
    else if (binding?.kind === 'namespace') followMembers(node.parent, binding.target, kind);
  };

  /** `{ ExecutionEngine, other: alias, ns: { X } }` destructured from a module object. */
  const destructure = (pattern: TS.ObjectBindingPattern, target: ModuleTarget, kind: LegacyUseKind, statementMechanical: boolean) => {
    const legacy: ImportedLegacyBinding[] = [];
    for (const element of pattern.elements) {
      const key = element.dotDotDotToken ? undefined : propertyNameText(ts, element.propertyName ?? element.name);
      const binding = key === undefined ? undefined : graph.exportOf(target, key);
      if (binding?.kind === 'name') {
        report(element.propertyName ?? element.name, binding.legacyName, kind);
        const simple = ts.isIdentifier(element.name) && element.initializer === undefined;
        const symbol = ts.isIdentifier(element.name) ? bind(element.name, binding.legacyName) : undefined;
        legacy.push({ element, legacyName: binding.legacyName, symbol, removable: statementMechanical && simple });
      } else if (binding?.kind === 'namespace') {
        if (ts.isIdentifier(element.name)) bindNamespace(element.name, binding.target);
        else if (ts.isObjectBindingPattern(element.name)) destructure(element.name, binding.target, kind, false);
      }
    }
    return legacy;
  };

  /** A `require('x')` or `import('x')` of a module legacy names can come from. */
  const visitModuleCall = (call: TS.CallExpression, target: ModuleTarget, kind: 'require' | 'dynamic-import'): void => {
    const { outer, awaited } = climbFromCall(ts, call);
    const parent = outer.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === outer && (kind === 'require' || awaited)) {
      if (ts.isObjectBindingPattern(parent.name)) {
        const statement = parent.parent.parent;
        // Deletable: `const { ... } = require('x')` or `const { ... } = await import('x')`, alone in its statement.
        const plain = kind === 'require' ? outer === call : ts.isAwaitExpression(outer) && outer.expression === call;
        const statementMechanical =
          plain &&
          ts.isVariableStatement(statement) &&
          statement.declarationList.declarations.length === 1 &&
          !parent.name.elements.some((element) => element.dotDotDotToken !== undefined);
        const legacy = destructure(parent.name, target, kind, statementMechanical);
        if (legacy.length > 0 && ts.isVariableStatement(statement)) {
          importSites.push({ kind: kind === 'require' ? 'cjs' : 'dynamic-import', statement, legacy });
        }
      } else if (ts.isIdentifier(parent.name)) {
        bindNamespace(parent.name, target); // `const legacy = require('...')`, then `legacy.ExecutionEngine`
      }
      return;
    }
    const member = memberOf(ts, outer);
    if (kind === 'dynamic-import' && member !== undefined && propertyNameText(ts, member) === 'then') {
      // `import('...').then(({ ExecutionEngine }) => ...)` or `.then((legacy) => legacy.ExecutionEngine)`
      const thenCall = member.parent.parent;
      const callback = ts.isCallExpression(thenCall) && thenCall.expression === member.parent ? thenCall.arguments[0] : undefined;
      if (callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
        const parameter = callback.parameters[0];
        if (parameter !== undefined && ts.isObjectBindingPattern(parameter.name)) destructure(parameter.name, target, kind, false);
        else if (parameter !== undefined && ts.isIdentifier(parameter.name)) bindNamespace(parameter.name, target);
      }
      return;
    }
    followMembers(outer, target, kind); // `require('...').ExecutionEngine`, `(await import('...')).ExecutionEngine`
  };

  const visitImportDeclaration = (node: TS.ImportDeclaration, target: ModuleTarget): void => {
    const clause = node.importClause;
    const legacy: ImportedLegacyBinding[] = [];
    if (clause?.name !== undefined) {
      // `import ExecutionEngine from './execution-engine'`: old modules often default-exported the class.
      const local = clause.name.text;
      const binding: LegacyBinding | undefined =
        target.legacyNamed && isLegacyEngineName(local) ? { kind: 'name', legacyName: local } : graph.exportOf(target, 'default');
      if (binding?.kind === 'name') {
        report(clause.name, binding.legacyName, 'import');
        legacy.push({
          element: clause.name,
          legacyName: binding.legacyName,
          symbol: bind(clause.name, binding.legacyName),
          removable: true,
        });
      } else if (binding?.kind === 'namespace') {
        bindNamespace(clause.name, binding.target);
      }
    }
    const named = clause?.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named)) bindNamespace(named.name, target);
    if (named !== undefined && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        const binding = graph.exportOf(target, (element.propertyName ?? element.name).text);
        if (binding?.kind === 'name') {
          report(element.propertyName ?? element.name, binding.legacyName, 'import');
          legacy.push({ element, legacyName: binding.legacyName, symbol: bind(element.name, binding.legacyName), removable: true });
        } else if (binding?.kind === 'namespace') {
          bindNamespace(element.name, binding.target);
        }
      }
    }
    if (legacy.length > 0) importSites.push({ kind: 'esm', statement: node, legacy });
  };

  const visitExportDeclaration = (node: TS.ExportDeclaration, target: ModuleTarget): void => {
    const clause = node.exportClause;
    if (clause === undefined)
      reportAll(node, target, 're-export', file); // `export * from '...'`
    else if (ts.isNamespaceExport(clause))
      reportAll(clause.name, target, 're-export'); // `export * as ns from '...'`
    else {
      for (const element of clause.elements) {
        const source = element.propertyName ?? element.name;
        const binding = graph.exportOf(target, source.text);
        if (binding?.kind === 'name') report(source, binding.legacyName, 're-export');
        else if (binding?.kind === 'namespace') reportAll(source, binding.target, 're-export');
      }
    }
  };

  /** `import('...').SupervisorAgent`, `typeof import('...').ns.ExecutionEngine`, also in JSDoc types. */
  const visitImportType = (node: TS.ImportTypeNode): void => {
    const argument = node.argument;
    if (!ts.isLiteralTypeNode(argument) || !ts.isStringLiteral(argument.literal) || node.qualifier === undefined) return;
    let target = graph.resolve(file, argument.literal.text);
    for (const name of entityNames(ts, node.qualifier)) {
      const binding = target === undefined ? undefined : graph.exportOf(target, name.text);
      if (binding?.kind === 'name') report(name, binding.legacyName, 'import-type');
      target = binding?.kind === 'namespace' ? binding.target : undefined;
    }
  };

  const visitImports = (node: TS.Node): void => {
    const specifierOf = (expression: TS.Node | undefined) =>
      expression !== undefined && ts.isStringLiteralLike(expression) ? graph.resolve(file, expression.text) : undefined;
    if (ts.isImportDeclaration(node)) {
      const target = specifierOf(node.moduleSpecifier);
      if (target !== undefined) visitImportDeclaration(node, target);
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const target = ts.isExternalModuleReference(node.moduleReference) ? specifierOf(node.moduleReference.expression) : undefined;
      if (target !== undefined) bindNamespace(node.name, target);
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const target = specifierOf(node.moduleSpecifier);
      if (target !== undefined) visitExportDeclaration(node, target);
      return;
    }
    if (ts.isImportTypeNode(node)) visitImportType(node);
    if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      // `import(x)` may carry import attributes as a second argument; `require` takes exactly one.
      const target = specifierOf(node.arguments[0]);
      if (target !== undefined && node.expression.kind === ts.SyntaxKind.ImportKeyword) visitModuleCall(node, target, 'dynamic-import');
      else if (
        target !== undefined &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'require' &&
        node.arguments.length === 1
      ) {
        visitModuleCall(node, target, 'require');
      }
    }
    forEachChildAndJsDoc(ts, node, withJsDoc, visitImports);
  };

  /** `const { ExecutionEngine } = legacy` on a namespace binding: its elements become legacy bindings. */
  const visitNamespaceDestructuring = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
      let initializer: TS.Expression = node.initializer;
      while (ts.isParenthesizedExpression(initializer)) initializer = initializer.expression;
      const symbol = ts.isIdentifier(initializer) ? checker.getSymbolAtLocation(initializer) : undefined;
      const target = symbol === undefined ? undefined : namespaces.get(symbol);
      if (target !== undefined) destructure(node.name, target, 'use', false);
    }
    ts.forEachChild(node, visitNamespaceDestructuring);
  };

  const symbolOfReference = (identifier: TS.Identifier): TS.Symbol | undefined => {
    const parent = identifier.parent;
    if (ts.isShorthandPropertyAssignment(parent) && parent.name === identifier) return checker.getShorthandAssignmentValueSymbol(parent);
    if (ts.isExportSpecifier(parent)) {
      if (parent.parent.parent.moduleSpecifier !== undefined || (parent.propertyName ?? parent.name) !== identifier) return undefined;
      return checker.getExportSpecifierLocalTargetSymbol(parent);
    }
    return checker.getSymbolAtLocation(identifier);
  };

  const visitUses = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && !declarationNames.has(node)) {
      const symbol = symbolOfReference(node);
      const legacyName = symbol === undefined ? undefined : bindings.get(symbol);
      const namespace = symbol === undefined ? undefined : namespaces.get(symbol);
      if (legacyName !== undefined && symbol !== undefined) {
        report(node, legacyName, 'use');
        referenced.add(symbol);
      } else if (namespace !== undefined) {
        if (ts.isExportSpecifier(node.parent))
          reportAll(node, namespace, 're-export'); // `export { legacy }`
        else followMembers(node, namespace, 'use');
      }
    }
    forEachChildAndJsDoc(ts, node, withJsDoc, visitUses);
  };

  visitImports(sourceFile);
  if (namespaces.size > 0) visitNamespaceDestructuring(sourceFile);
  if (bindings.size > 0 || namespaces.size > 0) visitUses(sourceFile);

  for (const marker of markersWithoutUses(ts, sourceFile, uses)) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(marker.index);
    const { replacement, importPath } = getMigrationGuide(marker.legacyName);
    uses.push({
      file,
      line: line + 1,
      column: character + 1,
      legacyName: marker.legacyName,
      kind: 'todo',
      replacement,
      importPath,
      node: sourceFile,
    });
  }
  uses.sort((a, b) => a.line - b.line || a.column - b.column);
  return { file, sourceFile, uses, importSites, referenced };
}

/**
 * Finds every import and use of a legacy engine name in the given files (see {@link LegacyUseKind}), following
 * re-exports between them. Bindings are resolved with the TypeScript checker, so a shadowing local of the same
 * name is not reported.
 * @param ts the `typescript` module (an optional peer dependency, loaded by the caller)
 * @internal
 */
export function analyzeFiles(ts: typeof TS, inputs: readonly SourceInput[]): FileAnalysis[] {
  if (inputs.length === 0) return [];
  const { program, fileNames } = createAnalysisProgram(ts, inputs);
  const checker = program.getTypeChecker();
  const parsed: Array<{ file: string; sourceFile: TS.SourceFile }> = [];
  for (const [programName, file] of fileNames) {
    const sourceFile = program.getSourceFile(programName);
    if (sourceFile !== undefined) parsed.push({ file, sourceFile });
  }
  const facts = new Map<string, ModuleFacts>(parsed.map(({ file, sourceFile }) => [file, collectModuleFacts(ts, sourceFile)]));
  const graph = new ModuleGraph(facts);
  return parsed.map(({ file, sourceFile }) => analyzeSourceFile(ts, checker, graph, sourceFile, file));
}

/** The public view of a use (without the syntax node). */
export function toLegacyUse({ file, line, column, legacyName, kind, replacement, importPath }: LocatedUse): LegacyUse {
  return { file, line, column, legacyName, kind, replacement, importPath };
}

/**
 * Finds every legacy import and use in the given files and returns them sorted by file, line and column.
 * @internal
 */
export function findLegacyUses(ts: typeof TS, inputs: readonly SourceInput[]): LegacyUse[] {
  return analyzeFiles(ts, inputs).flatMap((analysis) => analysis.uses.map(toLegacyUse));
}
