import { getExecutionEngine } from "@baton/legacy-engines"

export function EngineStatus() {
  return (
    <section>
      <h1>Engine</h1>
      <p>{String(getExecutionEngine().status)}</p>
    </section>
  )
}
