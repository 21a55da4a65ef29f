/**
 * Not public API. Only `@baton/engine-factory` may import this entry point; the workspace's
 * dependency-graph check refuses any other importer.
 * @internal
 * @packageDocumentation
 */
export { registerGenuineEngine } from './engine-brand.js';
