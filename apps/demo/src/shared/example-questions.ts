/** A question offered as a one-click chip, with the workflow path the demo's triage picks for it. */
export interface ExampleQuestion {
  /** The path `triageWorkflow` takes for this question. */
  readonly path: 'sufficient' | 'partial' | 'insufficient';
  /** Short chip label. */
  readonly label: string;
  /** The question sent when the chip is clicked. */
  readonly text: string;
}

/**
 * One example per path, so a visitor can see every shape of the workflow in three clicks.
 * Shared by the web page (chips) and the agent tests (expected paths).
 */
export const EXAMPLE_QUESTIONS: readonly ExampleQuestion[] = Object.freeze([
  {
    path: 'sufficient',
    label: 'AWS bill jumped',
    text: 'Our AWS bill went from $42,000 to $58,000 a month. Where can we cut 20%?',
  },
  {
    path: 'partial',
    label: 'Azure keeps growing',
    text: 'Our Azure costs keep climbing every month. What should we look at first?',
  },
  {
    path: 'insufficient',
    label: 'Where do I start?',
    text: 'How do we get our cloud spending under control?',
  },
]);
