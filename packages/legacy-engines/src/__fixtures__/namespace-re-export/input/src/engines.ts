import * as legacy from '@baton/legacy-engines';

// The old engines, passed on as one namespace.
export { legacy as ns };
