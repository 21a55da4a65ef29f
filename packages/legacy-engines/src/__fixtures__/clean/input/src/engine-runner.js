export function runEngine() {
  return 'ran';
}
