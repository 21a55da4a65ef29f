import { UntrustedRegistryError } from '@baton/engine-contract';

/**
 * The `Symbol.for` key under which `@baton/engine-contract` keeps its registry of genuine engines
 * (the `WeakSet` `isUserExecutionEngine` reads). The one place the factory names it; it must equal
 * the key in the contract's `src/engine-brand.ts`, which `genuine-engine-registry.test.ts` checks
 * against both builds of the contract. The contract deliberately exports no way to add to the
 * registry: marking an engine genuine has no typed, documented entry point, only this key.
 */
const GENUINE_ENGINES_KEY = 'baton.engine-contract.genuine-engines.v1';

// Captured at load: code that patches `WeakSet.prototype.add` or `Reflect` later changes nothing.
const weakSetAdd = WeakSet.prototype.add;
const { apply } = Reflect;

/**
 * The registry, read once. The contract ran before this module (it is imported above): at its load it
 * checked the slot (a real WeakSet with the intrinsic prototype, else it threw) and made it read-only
 * and non-configurable.
 */
const genuineEngines = registryInSlot(Object.getOwnPropertyDescriptor(globalThis, Symbol.for(GENUINE_ENGINES_KEY)));

/**
 * The registry held by a slot the contract locked. A slot that is missing, an accessor or still
 * replaceable was not left by the contract (or could be swapped later), and is refused.
 * @internal Exported for tests.
 */
export function registryInSlot(descriptor: PropertyDescriptor | undefined): object {
  if (descriptor === undefined || !('value' in descriptor) || descriptor.writable === true || descriptor.configurable === true) {
    throw new UntrustedRegistryError({
      key: GENUINE_ENGINES_KEY,
      received: descriptor === undefined ? 'nothing' : 'a slot @baton/engine-contract did not lock',
      message:
        `globalThis[Symbol.for('${GENUINE_ENGINES_KEY}')] is not the registry @baton/engine-contract installs: ` +
        'refusing to mark engines genuine. Are @baton/engine-contract and @baton/engine-factory compatible versions?',
    });
  }
  return descriptor.value as object;
}

/**
 * Marks `engine` genuine: the one place an engine is minted calls this. The intrinsic
 * `WeakSet.prototype.add` throws a TypeError on anything that is not a real `WeakSet`.
 * @internal Not exported from the package.
 */
export function markGenuineEngine(engine: object): void {
  apply(weakSetAdd, genuineEngines, [engine]);
}
