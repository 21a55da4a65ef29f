export { ExecutionEngineFactory as Factory } from '@baton/legacy-engines';
