// Measures the per-run overhead of engine.executeAgent over a plain `await agent.run(input, ctx)`,
// and checks that 1,000,000 sequential runs leave the heap where it started.
// Usage (after `tsup`): node --expose-gc scripts/overhead.mjs [runs]
import { createUserExecutionContext, defineAgent } from '@baton/engine-contract';

const { createEngineFactory } = await import(process.env.BATON_FACTORY_DIST ?? '../dist/index.js');

const runs = Number(process.argv[2] ?? 1_000_000);
const gc = globalThis.gc ?? (() => {});
const agent = defineAgent({ name: 'echo', run: async (input) => input });
const factory = createEngineFactory({ agents: [agent] });
const engine = await factory.createEngine(createUserExecutionContext({ userId: 'u_bench', threadId: 't_1', runId: 'r_1' }));
let events = 0;
engine.subscribe(() => {
  events++;
});
const ctx = {
  userContext: engine.userContext,
  signal: new AbortController().signal,
  think() {},
  tool: async (_n, _i, fn) => fn(ctx.signal),
};
const request = { agentName: 'echo', input: 'hello' };

async function plain(n) {
  for (let i = 0; i < n; i++) await agent.run('hello', ctx);
}
async function engineRuns(n) {
  for (let i = 0; i < n; i++) {
    const result = await engine.executeAgent(request);
    if (result.status !== 'succeeded') throw new Error(`unexpected ${result.status}`);
  }
}
// CPU time (user + system) rather than wall time: steadier on a shared, loaded machine.
async function time(fn, n) {
  const start = process.cpuUsage();
  await fn(n);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

await plain(200_000);
await engineRuns(200_000);
const samples = { plain: [], engine: [] };
for (let round = 0; round < 5; round++) {
  samples.plain.push(await time(plain, runs / 5));
  samples.engine.push(await time(engineRuns, runs / 5));
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const plainNs = median(samples.plain);
const engineNs = median(samples.engine);
console.log(`plain await agent.run: ${plainNs.toFixed(0)} ns/run (CPU time)`);
console.log(`engine.executeAgent:   ${engineNs.toFixed(0)} ns/run (one listener, ${events} events)`);
console.log(`overhead: ${((engineNs - plainNs) / 1000).toFixed(3)} µs/run, ratio ${(engineNs / plainNs).toFixed(2)}x`);

gc();
gc();
const before = process.memoryUsage().heapUsed;
await engineRuns(runs);
gc();
gc();
const after = process.memoryUsage().heapUsed;
console.log(
  `heap after ${runs} more runs: ${((after - before) / 1024).toFixed(0)} KiB difference (${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MiB)`,
);
const stats = engine.getStats();
console.log(`stats: started ${stats.runsStarted}, succeeded ${stats.runsSucceeded}, listenerErrors ${stats.listenerErrors}`);
await factory.shutdown();
