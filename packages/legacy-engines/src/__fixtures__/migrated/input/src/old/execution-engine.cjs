'use strict';
// The project's own old engine module: declaring the class is not a use of it.
class ExecutionEngine {}

module.exports = { ExecutionEngine };
