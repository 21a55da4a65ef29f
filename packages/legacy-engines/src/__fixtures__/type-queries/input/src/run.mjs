/**
 * @param {import('@baton/legacy-engines').SupervisorAgent} agent
 * @returns {Promise<unknown>}
 */
export function run(agent) {
  return agent.execute('request');
}
