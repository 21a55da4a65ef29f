export * as engines from '@baton/legacy-engines';
