// The project's barrel of engine code: it still passes every removed name on.
export * from '@baton/legacy-engines';
export const ENGINE_VERSION = 2;
