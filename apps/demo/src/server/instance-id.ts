/** An instance id (`BATON_DEMO_INSTANCE_ID`): 1 to 128 of `A-Z a-z 0-9 . _ : -`, safe in log lines and Redis keys. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The default instance id: the host name (characters outside the pattern replaced) and the port, so
 * that the log of a worker names the instance a person can find (`host:3001`).
 */
export function defaultInstanceId(hostname: string, port: number): string {
  const host = hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'host';
  return `${host}:${port}`;
}
