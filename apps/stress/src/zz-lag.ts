import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runStress } from './run-stress.js';
const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();
const s = await runStress({ users: 200, runsPerUser: 10, seed: '42' });
h.disable();
console.log('lag max ms', h.max / 1e6, 'p99', h.percentile(99) / 1e6, 'mean', h.mean / 1e6, 'seconds', s.seconds, s.report.violationCount);
