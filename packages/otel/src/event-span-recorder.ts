import type {
  AgentCompletedEvent,
  AgentEvent,
  AgentStartedEvent,
  ToolCompletedEvent,
  ToolExecutingEvent,
  WorkflowCompletedEvent,
  WorkflowPlannedEvent,
  WorkflowResumedEvent,
  WorkflowStartedEvent,
  WorkflowSuspendedEvent,
} from '@baton/engine-contract';
import {
  type Attributes,
  context,
  isSpanContextValid,
  type Meter,
  type Span,
  SpanKind,
  type TimeInput,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { BATON, SEMCONV, SPAN_NAME } from './attribute-names.js';
import {
  type AbandonReason,
  type OpenAgent,
  type OpenEntry,
  OpenSpanTable,
  type OpenWorkflow,
  toolKey,
  workflowKey,
} from './open-span-table.js';
import { seconds } from './run-instruments.js';
import { agentAttributes, toolAttributes, workflowAttributes } from './span-attributes.js';
import { endAbandonedSpan, endAgentSpan, endToolSpan, endWorkflowSpan, isFailure } from './span-endings.js';
import { TelemetrySource } from './telemetry-source.js';
import { WorkflowsByEngine } from './workflows-by-engine.js';

/** How the recorder is set up (defaults already applied). @internal */
export interface EventSpanRecorderOptions {
  readonly tracer: Tracer | undefined;
  readonly meter: Meter | undefined;
  readonly maxOpenSpans: number;
  readonly openSpanTimeoutMs: number;
  readonly now: () => number;
}

/**
 * Turns one engine's (or many engines') events into spans and metrics. The parent of an agent call is
 * found from the ids in its events: a call with a `stage` belongs to the open workflow run of the same
 * engine (its `workflow_*` events carry the engine id too); a tool call belongs to the agent call with
 * its `executionId`. A span with no Baton parent is a child of the active OpenTelemetry context when
 * its first event is emitted (e.g. the HTTP request that called `orchestrator.run`).
 * Span times are the events' timestamps, so spans agree with the `durationMs` Baton reports.
 * @internal
 */
export class EventSpanRecorder {
  readonly #source: TelemetrySource;
  readonly #table: OpenSpanTable;
  readonly #workflows = new WorkflowsByEngine();
  readonly #now: () => number;

  constructor(options: EventSpanRecorderOptions) {
    this.#source = new TelemetrySource({ tracer: options.tracer, meter: options.meter });
    this.#now = options.now;
    this.#table = new OpenSpanTable({
      maxOpenSpans: options.maxOpenSpans,
      timeoutMs: options.openSpanTimeoutMs,
      now: options.now,
      onAbandon: (entry, reason) => this.#abandoned(entry, reason),
    });
  }

  /** How many spans (or metric-only entries) are open. */
  get openCount(): number {
    return this.#table.size;
  }

  /** Ends every open span as abandoned; returns how many there were. */
  endAll(): number {
    return this.#table.abandonAll();
  }

  /** Ends the spans open for longer than the timeout (also done whenever a span opens); returns how many. */
  sweep(): number {
    return this.#table.sweep();
  }

  /** Handles one event; deltas and thoughts are not recorded (a span per token would drown the trace). */
  record(event: AgentEvent): void {
    // Nothing open and nothing registered: every event of every call takes this exit when no SDK is there.
    if (this.#table.size === 0 && !this.#source.mayRecord()) return;
    switch (event.type) {
      case 'agent_started':
        this.#agentStarted(event);
        return;
      case 'agent_completed':
        this.#agentCompleted(event);
        return;
      case 'tool_executing':
        if (this.#table.size !== 0) this.#toolStarted(event);
        return;
      case 'tool_completed':
        if (this.#table.size !== 0) this.#toolCompleted(event);
        return;
      case 'workflow_started':
      case 'workflow_resumed':
        this.#workflowStarted(event);
        return;
      case 'workflow_planned':
        if (this.#table.size !== 0) this.#workflowPlanned(event);
        return;
      case 'workflow_completed':
        this.#workflowCompleted(event);
        return;
      case 'workflow_suspended':
        if (this.#table.size !== 0) this.#workflowSuspended(event);
        return;
      default:
        return;
    }
  }

  #agentStarted(event: AgentStartedEvent): void {
    const tracer = this.#source.tracer();
    const workflow = tracer === undefined || event.stage === undefined ? undefined : this.#workflows.find(event.engineId, event.stage);
    const span =
      tracer === undefined
        ? undefined
        : this.#start(
            tracer,
            `${SPAN_NAME.agent} ${event.agentName}`,
            agentAttributes(event, workflow?.workflowId),
            event.timestamp,
            workflow,
          );
    // Metrics alone still need the entry: it holds the start that gives the queue wait.
    if (span === undefined && this.#source.instruments() === undefined) return;
    const entry: OpenAgent = {
      kind: 'agent',
      key: event.executionId,
      span,
      openedAt: this.#now(),
      engineId: event.engineId,
      startedAt: event.timestamp,
      workflow,
      tools: undefined,
    };
    this.#table.add(entry);
  }

  #agentCompleted(event: AgentCompletedEvent): void {
    const found = this.#table.size === 0 ? undefined : this.#table.take(event.executionId);
    const entry = found?.kind === 'agent' ? found : undefined;
    // The queue wait: agent_completed's duration counts from the call, agent_started came at the slot.
    // A call never seen starting waited all along (it was cancelled or timed out in the queue).
    const queuedMs = entry === undefined ? event.durationMs : Math.max(0, entry.startedAt - (event.timestamp - event.durationMs));
    if (entry !== undefined) {
      if (entry.tools !== undefined) this.#abandonTools(entry, 'parent_ended');
      if (entry.workflow !== undefined && isFailure(event.status) && event.error !== undefined)
        entry.workflow.firstErrorCode ??= event.error.code;
      if (entry.span !== undefined) endAgentSpan(entry.span, event, queuedMs);
    } else {
      const tracer = this.#source.tracer();
      if (tracer !== undefined) {
        const workflow = event.stage === undefined ? undefined : this.#workflows.find(event.engineId, event.stage);
        if (workflow !== undefined && isFailure(event.status) && event.error !== undefined) workflow.firstErrorCode ??= event.error.code;
        const attributes = agentAttributes(event, workflow?.workflowId);
        const span = this.#start(tracer, `${SPAN_NAME.agent} ${event.agentName}`, attributes, event.timestamp - event.durationMs, workflow);
        if (span !== undefined) endAgentSpan(span, event, queuedMs);
      }
    }
    const instruments = this.#source.instruments();
    if (instruments === undefined) return;
    const attributes: Attributes = { [BATON.agentName]: event.agentName, [BATON.status]: event.status };
    if (event.error !== undefined) attributes[SEMCONV.errorType] = event.error.code;
    instruments.agentRuns.add(1, attributes);
    instruments.agentDuration.record(seconds(event.durationMs), attributes);
    instruments.agentQueueWait.record(seconds(queuedMs), { [BATON.agentName]: event.agentName });
  }

  #toolStarted(event: ToolExecutingEvent): void {
    const agent = this.#table.get(event.executionId);
    // A tool call of a call the tap did not see start has no span to hang from: it is left out.
    if (agent?.kind !== 'agent' || agent.span === undefined) return;
    const tracer = this.#source.tracer();
    if (tracer === undefined) return;
    const span = this.#start(tracer, `${SPAN_NAME.tool} ${event.toolName}`, toolAttributes(event), event.timestamp, agent);
    if (span === undefined) return;
    const key = toolKey(event.executionId, event.toolCallId);
    this.#table.add({ kind: 'tool', key, span, openedAt: this.#now(), engineId: event.engineId, agent });
    if (agent.tools === undefined) agent.tools = [key];
    else agent.tools.push(key);
  }

  #toolCompleted(event: ToolCompletedEvent): void {
    const entry = this.#table.take(toolKey(event.executionId, event.toolCallId));
    if (entry?.kind === 'tool' && entry.span !== undefined) endToolSpan(entry.span, event);
  }

  #workflowStarted(event: WorkflowStartedEvent | WorkflowResumedEvent): void {
    const tracer = this.#source.tracer();
    const workflowName = event.type === 'workflow_started' ? event.workflowName : undefined;
    let span: Span | undefined;
    if (tracer !== undefined) {
      const attributes = workflowAttributes(event, event.workflowId, workflowName);
      if (event.type === 'workflow_resumed') {
        attributes[BATON.resumed] = true;
        attributes[BATON.completedStages] = event.completedStages.slice();
      }
      // A resumed run's event has no workflow name: its span is plain `baton.workflow`.
      const name = workflowName === undefined ? SPAN_NAME.workflow : `${SPAN_NAME.workflow} ${workflowName}`;
      span = this.#start(tracer, name, attributes, event.timestamp, undefined);
    }
    if (span === undefined && this.#source.instruments() === undefined) return;
    const entry: OpenWorkflow = {
      kind: 'workflow',
      key: workflowKey(event.workflowId),
      span,
      openedAt: this.#now(),
      engineId: event.engineId,
      workflowId: event.workflowId,
      workflowName,
      stages: undefined,
      firstErrorCode: undefined,
    };
    this.#table.add(entry);
    this.#workflows.add(entry);
  }

  #workflowPlanned(event: WorkflowPlannedEvent): void {
    const entry = this.#table.get(workflowKey(event.workflowId));
    if (entry?.kind !== 'workflow') return;
    entry.stages = event.stages;
    entry.span?.setAttribute(BATON.workflowPath, event.path);
  }

  #workflowCompleted(event: WorkflowCompletedEvent): void {
    const found = this.#table.size === 0 ? undefined : this.#table.take(workflowKey(event.workflowId));
    const entry = found?.kind === 'workflow' ? found : undefined;
    if (entry !== undefined) {
      this.#workflows.remove(entry);
      if (entry.span !== undefined) endWorkflowSpan(entry.span, event, entry.firstErrorCode);
    }
    const instruments = this.#source.instruments();
    if (instruments === undefined) return;
    const attributes: Attributes = { [BATON.status]: event.status };
    if (entry?.workflowName !== undefined) attributes[BATON.workflowName] = entry.workflowName;
    instruments.workflowRuns.add(1, attributes);
    instruments.workflowDuration.record(seconds(event.durationMs), attributes);
  }

  #workflowSuspended(event: WorkflowSuspendedEvent): void {
    const entry = this.#table.take(workflowKey(event.workflowId));
    if (entry?.kind !== 'workflow') return;
    this.#workflows.remove(entry);
    // Not an error and not the end of the run: `orchestrator.resume` continues it under a new span.
    entry.span?.setAttributes({ [BATON.status]: 'suspended', [BATON.suspendedStage]: event.stage });
    entry.span?.end(event.timestamp);
  }

  /** Starts a span under `parent`'s span, or under the active context when there is no Baton parent. */
  #start(tracer: Tracer, name: string, attributes: Attributes, startTime: TimeInput, parent: OpenEntry | undefined): Span | undefined {
    const active = context.active();
    const parentContext = parent?.span === undefined ? active : trace.setSpan(active, parent.span);
    const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes, startTime }, parentContext);
    // A span that records nothing and has no valid context (the API's no-op tracer, given as an option
    // without an SDK) is not worth an entry. A sampled-out span of a real SDK is kept: its children
    // must inherit its context, or they would start traces of their own.
    return span.isRecording() || isSpanContextValid(span.spanContext()) ? span : undefined;
  }

  /** The table dropped `entry` without its terminal event: end its span as an error, and its children. */
  #abandoned(entry: OpenEntry, reason: AbandonReason): void {
    if (entry.kind === 'workflow') this.#workflows.remove(entry);
    if (entry.kind === 'agent' && entry.tools !== undefined) this.#abandonTools(entry, reason);
    if (entry.span !== undefined) endAbandonedSpan(entry.span, reason);
  }

  #abandonTools(agent: OpenAgent, reason: AbandonReason): void {
    const keys = agent.tools ?? [];
    agent.tools = undefined;
    for (const key of keys) {
      const tool = this.#table.take(key);
      if (tool !== undefined) this.#abandoned(tool, reason);
    }
  }
}
