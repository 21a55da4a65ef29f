import { createWorkloadPlan } from './workload-plan.js';
const plan = createWorkloadPlan({ seed: '42', users: 200, runsPerUser: 10 });
for (const u of [120, 167]) for (const r of plan.users[u]!.runs) {
  const triggers = [...r.calls.map((c, i) => ({ i, t: c.behaviour.trigger, o: c.behaviour.outcome, c: c.cancel })), ...(r.workflow ? Object.entries(r.workflow.stages).map(([k, b]) => ({ i: k, t: b.trigger, o: b.outcome })) : [])].filter((x) => x.t);
  console.log(r.key, r.kind, r.idleGapMs, JSON.stringify(triggers), r.followUp?.behaviour.outcome, r.calls.map(c=>c.behaviour.outcome+'/'+c.cancel+'/'+c.timeoutMs).join(' '));
}
