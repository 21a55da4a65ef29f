export {
  createOtelEventTap,
  DEFAULT_MAX_OPEN_SPANS,
  DEFAULT_OPEN_SPAN_TIMEOUT_MS,
  type OtelEventTap,
  type OtelEventTapOptions,
} from './otel-event-tap.js';
