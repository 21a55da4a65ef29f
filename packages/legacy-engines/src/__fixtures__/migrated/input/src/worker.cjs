'use strict';
// TODO(baton-migrate): createExecutionEngine → createEngineFactory(...).createEngine(userContext) from @baton/engine-factory
const { createExecutionEngine, getMigrationGuide } = require('@baton/legacy-engines');
const { ExecutionEngine: Engine } = require('./old/execution-engine.cjs');

function guide() {
  return getMigrationGuide('createExecutionEngine').importPath;
}

module.exports = { guide };
