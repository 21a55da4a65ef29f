/** WebSocket close code of a server that is going away (RFC 6455): the demo's shutdown closes every socket with it. */
export const SERVER_GOING_AWAY = 1001;

/**
 * The reconnect toast's text. It promises nothing about the runs: after a network blip they go on,
 * but a server that stopped (close code 1001) interrupted the ones it was running (in memory mode
 * they are gone; in Redis mode another instance may resume them), and a crashed one cannot say.
 * The cards show each run's state once the page is connected again.
 */
export function reconnectNotice(options: { serverStopped: boolean; seconds: number }): string {
  const retry = `Reconnecting in ${options.seconds} s`;
  return options.serverStopped
    ? `The server stopped. ${retry}; runs it was running were interrupted, and their cards show how each one ended.`
    : `Disconnected. ${retry}; missed updates will be replayed if the server still has them.`;
}
