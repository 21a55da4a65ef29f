/**
 * The LangGraph.js side of every comparison. Imported dynamically, and only once a case's Baton-only
 * phase is done: LangGraph.js runs through AsyncLocalStorage, which on Node 20 installs promise
 * hooks for the whole process, and those make every later await slower (plain ones and Baton's too).
 */
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';

/** START → work → END; the node awaits `work(value)`. */
export function oneNodeGraph(work: (value: number) => Promise<number>) {
  const State = Annotation.Root({ value: Annotation<number> });
  return new StateGraph(State)
    .addNode('work', async (state) => ({ value: await work(state.value) }))
    .addEdge(START, 'work')
    .addEdge('work', END)
    .compile();
}

/** What a workflow stage receives, as the Baton orchestrator passes it. */
export interface StageInput {
  request: unknown;
  previous: Record<string, unknown>;
}
export type StageOutput = Record<string, unknown>;
export type StageName = 'triage' | 'data' | 'optimization' | 'actions' | 'reporting';

/** triage, a conditional edge on `dataSufficiency`, then data → optimization → actions → reporting. */
export function fiveNodeGraph(stages: Record<StageName, (input: StageInput) => Promise<StageOutput>>) {
  const State = Annotation.Root({
    request: Annotation<unknown>,
    previous: Annotation<Record<string, unknown>>({ reducer: (left, right) => ({ ...left, ...right }), default: () => ({}) }),
  });
  const node = (name: StageName) => async (state: typeof State.State) => ({
    previous: { [name]: await stages[name]({ request: state.request, previous: state.previous }) },
  });
  return new StateGraph(State)
    .addNode('triage', node('triage'))
    .addNode('data', node('data'))
    .addNode('optimization', node('optimization'))
    .addNode('actions', node('actions'))
    .addNode('reporting', node('reporting'))
    .addEdge(START, 'triage')
    .addConditionalEdges(
      'triage',
      (state) => ((state.previous.triage as StageOutput | undefined)?.dataSufficiency === 'sufficient' ? 'data' : END),
      ['data', END],
    )
    .addEdge('data', 'optimization')
    .addEdge('optimization', 'actions')
    .addEdge('actions', 'reporting')
    .addEdge('reporting', END)
    .compile();
}

/** A one-node graph whose node writes `n` custom stream chunks: LangGraph.js's counterpart of `ctx.think`. */
export function writerGraph(chunk: string) {
  const State = Annotation.Root({ n: Annotation<number> });
  return new StateGraph(State)
    .addNode('think', async (state, config) => {
      for (let index = 0; index < state.n; index++) config.writer?.(chunk);
      return {};
    })
    .addEdge(START, 'think')
    .addEdge('think', END)
    .compile();
}
