'use strict';
const { ExecutionEngine, helper } = require('./lib/execution-engine.cjs');
const { createExecutionEngine } = require('@baton/legacy-engines');
const legacy = require('@baton/legacy-engines');

function start(config) {
  const engine = new ExecutionEngine(config);
  helper(engine);
  return createExecutionEngine(config);
}

function factory() {
  return legacy.getExecutionEngineFactory();
}

module.exports = { start, factory, Supervisor: require('@baton/legacy-engines').SupervisorAgent };
