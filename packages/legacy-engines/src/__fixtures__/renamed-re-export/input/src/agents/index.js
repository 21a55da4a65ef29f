'use strict';
// Old code renamed the removed names when it re-exported them.
const legacy = require('@baton/legacy-engines');

module.exports = {
  Sup: legacy.SupervisorAgent,
  engine: require('@baton/legacy-engines').getExecutionEngine,
  label: 'agents',
};
