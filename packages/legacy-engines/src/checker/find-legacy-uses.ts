import type * as TS from 'typescript';
import { isLegacyEngineName, type LegacyEngineName } from '../legacy-names.js';
import { getMigrationGuide } from '../migration-guides.js';
import { isLegacyModuleSpecifier } from './legacy-modules.js';
import type { LegacyUse, LegacyUseKind } from './legacy-use.js';

export type { LegacyUse, LegacyUseKind } from './legacy-use.js';

/** A legacy use with the syntax node it was found at (for `--fix`). @internal */
export interface LocatedUse extends LegacyUse {
  readonly node: TS.Node;
}

/** An import statement that brings legacy names into a file (candidate for a mechanical rewrite). @internal */
export interface ImportSite {
  readonly kind: 'esm' | 'cjs' | 'dynamic-import';
  readonly statement: TS.ImportDeclaration | TS.VariableStatement;
  readonly moduleSpecifier: TS.StringLiteralLike;
  /**
   * The elements that import a legacy name, with that name; `mechanical` is false for the ones `--fix` must
   * leave alone (type-only imports, nested destructuring, a statement with several declarations, ...).
   */
  readonly legacy: ReadonlyArray<{
    readonly element: TS.ImportSpecifier | TS.BindingElement;
    readonly legacyName: LegacyEngineName;
    readonly mechanical: boolean;
  }>;
  /** The other elements of the same import, kept when the legacy ones are rewritten. */
  readonly others: ReadonlyArray<TS.ImportSpecifier | TS.BindingElement>;
}

/** Everything the checker found in one file. @internal */
export interface FileAnalysis {
  readonly file: string;
  readonly sourceFile: TS.SourceFile;
  readonly uses: readonly LocatedUse[];
  readonly importSites: readonly ImportSite[];
}

/** A source file to check: its path as printed, and its text. */
export interface SourceInput {
  readonly file: string;
  readonly text: string;
}

/** Marks left by `--fix`, as line or block comments: `TODO(baton-migrate): ExecutionEngine → ...`. */
export const TODO_MARKER = 'TODO(baton-migrate)';
const TODO_PATTERN = /TODO\(baton-migrate\):\s*([A-Za-z]+)\s*→/g;

function scriptKindOf(ts: typeof TS, file: string): TS.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/i.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Parses every file into one program (no lib, no module resolution), so a type checker can resolve bindings. */
function createProgram(ts: typeof TS, inputs: readonly SourceInput[]): { program: TS.Program; fileNames: Map<string, string> } {
  // Program file names must look like paths with a source extension; map them back to the names to print.
  const fileNames = new Map<string, string>();
  const sources = new Map<string, TS.SourceFile>();
  inputs.forEach((input, index) => {
    const extension = /\.[^./\\]+$/.exec(input.file)?.[0] ?? '.ts';
    const programName = `/__baton_check__/${index}${extension.toLowerCase()}`;
    fileNames.set(programName, input.file);
    sources.set(programName, ts.createSourceFile(programName, input.text, ts.ScriptTarget.Latest, true, scriptKindOf(ts, input.file)));
  });
  const host: TS.CompilerHost = {
    getSourceFile: (name) => sources.get(name),
    getDefaultLibFileName: () => '/__baton_check__/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/__baton_check__',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => sources.has(name),
    readFile: (name) => sources.get(name)?.text,
  };
  const options: TS.CompilerOptions = {
    allowJs: true,
    checkJs: false,
    noLib: true,
    noResolve: true,
    noEmit: true,
    types: [],
    jsx: ts.JsxEmit.Preserve,
    target: ts.ScriptTarget.Latest,
    module: ts.ModuleKind.ESNext,
    allowNonTsExtensions: true,
  };
  return { program: ts.createProgram({ rootNames: [...sources.keys()], options, host }), fileNames };
}

/** Climbs out of parentheses and `await`s around a call; says whether an `await` was among them. */
function climbFromCall(ts: typeof TS, node: TS.Node): { outer: TS.Node; awaited: boolean } {
  let outer = node;
  let awaited = false;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isAwaitExpression(outer.parent)) {
    if (ts.isAwaitExpression(outer.parent)) awaited = true;
    outer = outer.parent;
  }
  return { outer, awaited };
}

function propertyNameText(ts: typeof TS, name: TS.Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name)) return name.text;
  return undefined;
}

/** Finds legacy imports and uses in one parsed file. */
function analyzeSourceFile(ts: typeof TS, checker: TS.TypeChecker, sourceFile: TS.SourceFile, file: string): FileAnalysis {
  const uses: LocatedUse[] = [];
  const importSites: ImportSite[] = [];
  const bindings = new Map<TS.Symbol, LegacyEngineName>();
  const namespaces = new Set<TS.Symbol>();
  const declarationNames = new Set<TS.Node>();

  const report = (node: TS.Node, legacyName: LegacyEngineName, kind: LegacyUseKind): void => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    const { replacement, importPath } = getMigrationGuide(legacyName);
    uses.push({ file, line: line + 1, column: character + 1, legacyName, kind, replacement, importPath, node });
  };
  const bind = (name: TS.Node, legacyName: LegacyEngineName): void => {
    declarationNames.add(name);
    const symbol = checker.getSymbolAtLocation(name);
    if (symbol !== undefined) bindings.set(symbol, legacyName);
  };
  const bindNamespace = (name: TS.Node): void => {
    declarationNames.add(name);
    const symbol = checker.getSymbolAtLocation(name);
    if (symbol !== undefined) namespaces.add(symbol);
  };

  /** `{ ExecutionEngine, other: alias }` destructured from a legacy module; returns the site's elements. */
  const destructure = (pattern: TS.ObjectBindingPattern, kind: 'require' | 'dynamic-import', statementMechanical: boolean) => {
    const legacy: Array<{ element: TS.BindingElement; legacyName: LegacyEngineName; mechanical: boolean }> = [];
    const others: TS.BindingElement[] = [];
    for (const element of pattern.elements) {
      const key = element.dotDotDotToken ? undefined : propertyNameText(ts, element.propertyName ?? element.name);
      if (key !== undefined && isLegacyEngineName(key)) {
        report(element.propertyName ?? element.name, key, kind);
        // A nested pattern (`{ ExecutionEngine: { create } }`) or a default value is not rewritten.
        const simple = ts.isIdentifier(element.name) && element.initializer === undefined;
        if (ts.isIdentifier(element.name)) bind(element.name, key);
        legacy.push({ element, legacyName: key, mechanical: statementMechanical && simple });
      } else {
        others.push(element);
      }
    }
    return { legacy, others };
  };

  /** A `require('x')` or `import('x')` of a legacy module: how its result is consumed decides what is reported. */
  const visitModuleCall = (call: TS.CallExpression, specifier: TS.StringLiteralLike, kind: 'require' | 'dynamic-import'): void => {
    const { outer, awaited } = climbFromCall(ts, call);
    const parent = outer.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === outer && (kind === 'require' || awaited)) {
      if (ts.isObjectBindingPattern(parent.name)) {
        const statement = parent.parent.parent;
        // Rewritable: `const { ... } = require('x')` or `const { ... } = await import('x')`, alone in its statement.
        const plain = kind === 'require' ? outer === call : ts.isAwaitExpression(outer) && outer.expression === call;
        const statementMechanical = plain && ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1;
        const { legacy, others } = destructure(parent.name, kind, statementMechanical);
        if (legacy.length > 0 && ts.isVariableStatement(statement)) {
          importSites.push({ kind: kind === 'require' ? 'cjs' : 'dynamic-import', statement, moduleSpecifier: specifier, legacy, others });
        }
      } else if (ts.isIdentifier(parent.name)) {
        bindNamespace(parent.name); // `const legacy = require('...')`, then `legacy.ExecutionEngine`
      }
      return;
    }
    if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === outer) {
      // `require('...').ExecutionEngine`, `(await import('...')).ExecutionEngine`, `import('...').then(...)`
      const nameNode = ts.isPropertyAccessExpression(parent) ? parent.name : parent.argumentExpression;
      const name = propertyNameText(ts, nameNode);
      if (name !== undefined && isLegacyEngineName(name)) {
        report(nameNode, name, kind);
        return;
      }
      if (kind === 'dynamic-import' && name === 'then' && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
        const callback = parent.parent.arguments[0];
        if (callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
          const parameter = callback.parameters[0];
          if (parameter !== undefined && ts.isObjectBindingPattern(parameter.name)) destructure(parameter.name, kind, false);
          else if (parameter !== undefined && ts.isIdentifier(parameter.name)) bindNamespace(parameter.name);
        }
      }
    }
  };

  const visitImports = (node: TS.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteralLike(node.moduleSpecifier) &&
      isLegacyModuleSpecifier(node.moduleSpecifier.text)
    ) {
      const clause = node.importClause;
      const legacy: Array<{ element: TS.ImportSpecifier; legacyName: LegacyEngineName; mechanical: boolean }> = [];
      const others: TS.ImportSpecifier[] = [];
      if (clause?.name !== undefined && isLegacyEngineName(clause.name.text)) {
        // `import ExecutionEngine from './execution-engine'`: old modules often default-exported the class.
        report(clause.name, clause.name.text, 'import');
        bind(clause.name, clause.name.text);
      }
      const named = clause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) bindNamespace(named.name);
      if (named !== undefined && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          const imported = (element.propertyName ?? element.name).text;
          if (isLegacyEngineName(imported)) {
            report(element.propertyName ?? element.name, imported, 'import');
            bind(element.name, imported);
            legacy.push({ element, legacyName: imported, mechanical: clause?.isTypeOnly !== true && !element.isTypeOnly });
          } else {
            others.push(element);
          }
        }
      }
      if (legacy.length > 0) {
        importSites.push({ kind: 'esm', statement: node, moduleSpecifier: node.moduleSpecifier, legacy, others });
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expression) && isLegacyModuleSpecifier(expression.text)) bindNamespace(node.name);
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteralLike(node.moduleSpecifier)) {
      if (isLegacyModuleSpecifier(node.moduleSpecifier.text) && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
        for (const element of node.exportClause.elements) {
          const exported = propertyNameText(ts, element.propertyName ?? element.name);
          if (exported !== undefined && isLegacyEngineName(exported)) report(element.propertyName ?? element.name, exported, 're-export');
        }
      }
      return;
    }
    if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const argument = node.arguments[0];
      if (argument !== undefined && ts.isStringLiteralLike(argument) && isLegacyModuleSpecifier(argument.text)) {
        if (node.expression.kind === ts.SyntaxKind.ImportKeyword) visitModuleCall(node, argument, 'dynamic-import');
        else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
          visitModuleCall(node, argument, 'require');
        }
      }
    }
    ts.forEachChild(node, visitImports);
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
      if (legacyName !== undefined) report(node, legacyName, 'use');
      else if (symbol !== undefined && namespaces.has(symbol)) {
        // `legacy.ExecutionEngine`, `legacy['ExecutionEngine']`, and `legacy.ExecutionEngine` as a type.
        const parent = node.parent;
        let member: TS.Node | undefined;
        if (ts.isPropertyAccessExpression(parent) && parent.expression === node) member = parent.name;
        else if (ts.isElementAccessExpression(parent) && parent.expression === node) member = parent.argumentExpression;
        else if (ts.isQualifiedName(parent) && parent.left === node) member = parent.right;
        const name = propertyNameText(ts, member);
        if (member !== undefined && name !== undefined && isLegacyEngineName(name)) report(member, name, 'use');
      }
    }
    ts.forEachChild(node, visitUses);
  };

  visitImports(sourceFile);
  if (bindings.size > 0 || namespaces.size > 0) visitUses(sourceFile);

  const lines = sourceFile.text.split('\n');
  for (const match of sourceFile.text.matchAll(TODO_PATTERN)) {
    const name = match[1];
    if (name === undefined || !isLegacyEngineName(name)) continue;
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(match.index);
    // A marker above a use that is still there (a re-export, a type-only import, ...) is the same finding:
    // report it once. The marked code is the first line after the block of markers (0-based `next`).
    let next = line + 1;
    while (next < lines.length && (lines[next] ?? '').trim().startsWith(`// ${TODO_MARKER}`)) next += 1;
    if (uses.some((use) => use.kind !== 'todo' && use.legacyName === name && use.line - 1 >= line && use.line - 1 <= next + 1)) continue;
    const { replacement, importPath } = getMigrationGuide(name);
    uses.push({ file, line: line + 1, column: character + 1, legacyName: name, kind: 'todo', replacement, importPath, node: sourceFile });
  }

  uses.sort((a, b) => a.line - b.line || a.column - b.column);
  return { file, sourceFile, uses, importSites };
}

/**
 * Finds every import and use of a legacy engine name in the given files (see {@link LegacyUseKind}). Bindings
 * are resolved with the TypeScript checker, so a shadowing local of the same name is not reported.
 * @param ts the `typescript` module (an optional peer dependency, loaded by the caller)
 * @internal
 */
export function analyzeFiles(ts: typeof TS, inputs: readonly SourceInput[]): FileAnalysis[] {
  if (inputs.length === 0) return [];
  const { program, fileNames } = createProgram(ts, inputs);
  const checker = program.getTypeChecker();
  const analyses: FileAnalysis[] = [];
  for (const [programName, file] of fileNames) {
    const sourceFile = program.getSourceFile(programName);
    if (sourceFile !== undefined) analyses.push(analyzeSourceFile(ts, checker, sourceFile, file));
  }
  return analyses;
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
