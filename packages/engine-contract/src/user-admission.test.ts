import { describe, expect, it } from 'vitest';
import { InMemoryUserAdmission, type UserAdmission } from './user-admission.js';

describe('InMemoryUserAdmission', () => {
  it('grants up to limit leases per user, then null', async () => {
    const admission = new InMemoryUserAdmission();
    expect(await admission.acquire('u1', 2)).not.toBeNull();
    expect(await admission.acquire('u1', 2)).not.toBeNull();
    expect(await admission.acquire('u1', 2)).toBeNull();
    expect(admission.held('u1')).toBe(2);
  });

  it('frees a slot on release', async () => {
    const admission = new InMemoryUserAdmission();
    const lease = await admission.acquire('u1', 1);
    expect(await admission.acquire('u1', 1)).toBeNull();
    await lease!.release();
    expect(admission.held('u1')).toBe(0);
    expect(await admission.acquire('u1', 1)).not.toBeNull();
  });

  it('treats a second release of the same lease as a no-op', async () => {
    const admission = new InMemoryUserAdmission();
    const first = await admission.acquire('u1', 2);
    await admission.acquire('u1', 2);
    await first!.release();
    await first!.release();
    expect(admission.held('u1')).toBe(1);
    expect(await admission.acquire('u1', 2)).not.toBeNull();
    expect(await admission.acquire('u1', 2)).toBeNull();
  });

  it('keeps users independent', async () => {
    const admission = new InMemoryUserAdmission();
    expect(await admission.acquire('u1', 1)).not.toBeNull();
    expect(await admission.acquire('u1', 1)).toBeNull();
    expect(await admission.acquire('u2', 1)).not.toBeNull();
    expect(admission.held('u1')).toBe(1);
    expect(admission.held('u2')).toBe(1);
    expect(admission.held('nobody')).toBe(0);
  });

  it('keeps instances independent', async () => {
    const one = new InMemoryUserAdmission();
    const two = new InMemoryUserAdmission();
    await one.acquire('u1', 1);
    expect(await two.acquire('u1', 1)).not.toBeNull();
  });

  it('never grants more than limit to concurrent callers', async () => {
    const admission = new InMemoryUserAdmission();
    const leases = await Promise.all(Array.from({ length: 10 }, () => admission.acquire('u1', 3)));
    expect(leases.filter((lease) => lease !== null)).toHaveLength(3);
  });

  it.each([0, -1, Number.NaN])('grants nothing for a limit of %d', async (limit) => {
    const admission = new InMemoryUserAdmission();
    expect(await admission.acquire('u1', limit)).toBeNull();
    expect(admission.held('u1')).toBe(0);
  });

  it('implements UserAdmission', () => {
    const admission: UserAdmission = new InMemoryUserAdmission();
    expect(typeof admission.acquire).toBe('function');
  });
});
