'use strict';
// The project's own old engine module: declaring the class is not a use of it.
class ExecutionEngine {
  constructor(config) {
    this.config = config;
  }
}

function helper(engine) {
  return engine.config;
}

module.exports = { ExecutionEngine, helper };
