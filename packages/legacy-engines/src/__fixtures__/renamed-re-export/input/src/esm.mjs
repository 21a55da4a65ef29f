export { SupervisorAgent as Sup, getExecutionEngine as engine } from '@baton/legacy-engines';
