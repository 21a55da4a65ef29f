export { type EventGuarantee, EventGuaranteeError } from './event-guarantee-error.js';
