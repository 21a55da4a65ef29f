import type * as TS from 'typescript';

/** A source file to check: its path as printed (`/`-separated, relative to the working directory), and its text. */
export interface SourceInput {
  readonly file: string;
  readonly text: string;
}

/** Whether a file is JavaScript (its types live in JSDoc comments). */
export function isJavaScriptFile(file: string): boolean {
  return /\.[cm]?jsx?$/i.test(file);
}

function scriptKindOf(ts: typeof TS, file: string): TS.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (isJavaScriptFile(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Parses every file into one program without a lib or module resolution (fast, and independent of what is
 * installed), so that the type checker can resolve each identifier to its local binding. Modules are connected by
 * the checker's own module graph instead. Returns the program and, per program file name, the printed path.
 * @internal
 */
export function createAnalysisProgram(
  ts: typeof TS,
  inputs: readonly SourceInput[],
): { program: TS.Program; fileNames: Map<string, string> } {
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

/**
 * Visits the children of a node and, in JavaScript files, its JSDoc comments too, where the types live
 * (`@type {import('...').SupervisorAgent}`, `@param {ExecutionEngine} engine`).
 * @internal
 */
export function forEachChildAndJsDoc(ts: typeof TS, node: TS.Node, withJsDoc: boolean, visit: (child: TS.Node) => void): void {
  if (withJsDoc) {
    // `jsDoc` is how the parser attaches doc comments to a node; `getJSDocCommentsAndTags` would also return the
    // parent's tags for a parameter, visiting them twice.
    for (const doc of (node as TS.Node & { jsDoc?: readonly TS.JSDoc[] }).jsDoc ?? []) visit(doc);
  }
  ts.forEachChild(node, visit);
}
