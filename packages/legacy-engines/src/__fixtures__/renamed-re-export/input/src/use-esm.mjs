import { Sup as Supervisor, engine } from './esm.mjs';

export function supervise(request) {
  return new Supervisor({}).execute(request);
}

export function currentEngine() {
  return engine();
}
