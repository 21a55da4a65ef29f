import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DemoServer } from '../server/create-demo-server.js';
import type { ServerFrame } from '../server/protocol.js';
import { answerToText } from '../shared/answer-text.js';
import { EXAMPLE_QUESTIONS } from '../shared/example-questions.js';
import { AgentGates, createGatedDemoAgents, gateMarker } from '../test-support/gated-agents.js';
import { createTestDemoServer } from '../test-support/test-demo-server.js';

const CHROMIUM = '/usr/bin/chromium';
const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_DIR = join(APP_DIR, 'test-results');
const WAIT = { timeout: 60_000 };

const ALICE_QUESTION = EXAMPLE_QUESTIONS.find((example) => example.path === 'sufficient')!.text;
const BOB_QUESTION = EXAMPLE_QUESTIONS.find((example) => example.path === 'partial')!.text;
// Held at its `reporting` stage until the test opens the gate: surely in flight when the sockets drop.
const BOB_HELD_QUESTION = `${BOB_QUESTION} ${gateMarker('reporting')}`;
const ALICE_CANCELLED_QUESTION = 'Our GCP bill is $80,000 a month. Can we cut it by 25%?';
const CAROL_EARLIER_QUESTION = EXAMPLE_QUESTIONS.find((example) => example.path === 'insufficient')!.text;
// Held at its `actions` stage until the test opens the gate: in flight for as long as the test needs.
const CAROL_HELD_QUESTION = `${ALICE_QUESTION} ${gateMarker('actions')}`;
// Bob's two tabs: one question approved, one rejected (both full analyses, so both ask).
const APPROVAL_QUESTION = ALICE_QUESTION;
const REJECTED_QUESTION = ALICE_CANCELLED_QUESTION;
const gates = new AgentGates();

let staticDir: string;
let server: DemoServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    // Fail, never skip: CI installs Chromium, and a silently skipped browser test proves nothing.
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it (Debian/Ubuntu: apt-get install -y chromium) to run the browser test.`);
  }
  // The root test command builds only packages/*, so the page is built here, into a temp folder.
  staticDir = await mkdtemp(join(tmpdir(), 'baton-demo-page-'));
  await build({
    configFile: join(APP_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staticDir, emptyOutDir: true, sourcemap: false },
  });
  // Slower than realistic (scale 3: a run lasts 5-10 s) so that runs are surely in flight while the
  // test drops the sockets and cancels; liveness itself is recorded in the page, race-free. The
  // answer streams at 10 ms a word (a few seconds), not 3 x 15 ms. A question with a gate marker
  // waits at that stage until the test opens the gate.
  server = await createTestDemoServer({
    staticDir,
    scryptCost: 2 ** 10,
    agents: createGatedDemoAgents({ delayScale: 3, answerDelayMs: 10, gates }),
  });
  url = await server.listen({ port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await mkdir(RESULTS_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (staticDir) await rm(staticDir, { recursive: true, force: true });
});

/** Records every frame a page's WebSockets receive, the socket URLs and every page error. */
async function track(page: Page) {
  const frames: ServerFrame[] = [];
  const socketUrls: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Expected noise: GET /api/me is 401 before login, and a dropped socket is reported by Chromium.
    const expected = /WebSocket connection/.test(message.text()) || message.location().url.endsWith('/api/me');
    if (message.type() === 'error' && !expected) errors.push(`${message.text()} (${message.location().url})`);
  });
  await page.addInitScript(recordLiveness);
  page.on('websocket', (socket) => {
    socketUrls.push(socket.url());
    socket.on('framereceived', (frame) => frames.push(JSON.parse(String(frame.payload)) as ServerFrame));
  });
  return { page, frames, socketUrls, errors };
}

/** A logged-in page (its own browser context: its own session) that records frames and errors. */
async function openAs(username: string, password: string, viewport: { width: number; height: number }) {
  const context: BrowserContext = await browser.newContext({ viewport });
  // Every action (goto, click, fill) waits like the explicit waits: long enough to catch only a hang.
  context.setDefaultTimeout(WAIT.timeout);
  const tracked = await track(await context.newPage());
  const { page } = tracked;
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor(WAIT);
  return { context, ...tracked };
}

/** Another tab in the same browser context: the same session, already logged in. */
async function openTab(context: BrowserContext) {
  const tracked = await track(await context.newPage());
  await tracked.page.goto(url);
  await tracked.page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor(WAIT);
  return tracked;
}

/**
 * Runs in the page (before the app): watches the DOM and remembers what was ever shown, so the test
 * can check that cards filled live without racing against the runs. `answers` holds, per run, each
 * distinct text the answer showed while it was streaming and the card was still running.
 */
function recordLiveness() {
  const seen = {
    spinnerOnRunningStage: false,
    activityWhileRunning: false,
    queuedStage: false,
    maxStagesSucceededWhileRunning: 0,
    answers: {} as Record<string, string[]>,
    // How many times the reconnect toast appeared: it may show for only half a second, too briefly
    // for a poll from the test on a busy machine, never too briefly for this observer.
    reconnectToastsShown: 0,
  };
  let toastShown = false;
  (window as unknown as { __liveness: typeof seen }).__liveness = seen;
  const check = () => {
    const toastNow = document.querySelector('[data-testid="reconnect-toast"]') !== null;
    if (toastNow && !toastShown) seen.reconnectToastsShown++;
    toastShown = toastNow;
    for (const card of document.querySelectorAll('[data-testid="run-card"][data-status="running"]')) {
      if (card.querySelector('[data-testid="stage-row"][data-status="running"] .spinner')) seen.spinnerOnRunningStage = true;
      if (card.querySelector('.activity-line')) seen.activityWhileRunning = true;
      if (card.querySelector('[data-testid="stage-row"][data-status="queued"]')) seen.queuedStage = true;
      const succeeded = card.querySelectorAll('[data-testid="stage-row"][data-status="succeeded"]').length;
      seen.maxStagesSucceededWhileRunning = Math.max(seen.maxStagesSucceededWhileRunning, succeeded);
      const answer = card.querySelector('[data-testid="answer"][data-answer-state="streaming"]');
      const runId = card.getAttribute('data-run-id');
      if (answer && runId) {
        const texts = seen.answers[runId] ?? [];
        seen.answers[runId] = texts;
        const text = answer.textContent ?? '';
        if (texts.at(-1) !== text) texts.push(text);
      }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

/**
 * The answer's words without layout and Markdown marks (`### `, `- `, `**`), so that a text shown
 * while streaming (where a `**` may not be closed yet) compares as a prefix of the finished one.
 */
function answerLetters(text: string): string {
  return text.replace(/[\s#*-]/g, '');
}

it('two users in two browsers: live cards, reconnect with ?since, cancel, and no cross-user leak', async () => {
  const alice = await openAs('alice', 'alice-demo-pw', { width: 1280, height: 900 });
  const bob = await openAs('bob', 'bob-demo-pw', { width: 375, height: 812 });

  // Alice uses an example chip, Bob types his question and presses Enter.
  await alice.page.getByTestId('example-chip').and(alice.page.locator('[data-path="sufficient"]')).click();
  await bob.page.getByTestId('ask-input').fill(BOB_HELD_QUESTION);
  await bob.page.getByTestId('ask-input').press('Enter');

  const aliceCard = alice.page.getByTestId('run-card').first();
  const bobCard = bob.page.getByTestId('run-card').first();
  await expect.poll(() => aliceCard.getByTestId('run-question').textContent(), WAIT).toBe(ALICE_QUESTION);
  await expect.poll(() => bobCard.getByTestId('run-question').textContent(), WAIT).toBe(BOB_HELD_QUESTION);

  // In flight, and held there whatever the machine's speed: Alice's run waits for her approval, Bob's
  // at the reporting gate (on the server first, then on his page).
  await aliceCard.getByTestId('approve').waitFor(WAIT);
  await gates.reached('reporting');
  await bobCard.locator('[data-testid="stage-row"][data-stage="reporting"][data-status="running"]').waitFor(WAIT);

  // Drop every socket server-side mid-run (a network blip): the pages reconnect with ?since=<last id>.
  for (const client of server.app.websocketServer.clients) client.terminate();
  for (const { page } of [alice, bob]) {
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as { __liveness: { reconnectToastsShown: number } }).__liveness.reconnectToastsShown),
        WAIT,
      )
      .toBeGreaterThanOrEqual(1);
  }
  for (const user of [alice, bob]) {
    await user.page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor(WAIT);
    expect(user.socketUrls.at(-1)).toMatch(/\/ws\?since=/);
  }

  // Alice's full analysis asks before it drafts the plan: she approves on the card. Bob's run goes on.
  await aliceCard.getByTestId('approve').click();
  gates.open('reporting');

  // Both runs finish, with the path and every stage shown, and an answer worth reading.
  await aliceCard.and(alice.page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  await bobCard.and(bob.page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  expect(await aliceCard.getByTestId('run-path').textContent()).toBe('Full analysis');
  expect(await aliceCard.locator('[data-testid="stage-row"][data-status="succeeded"]').count()).toBe(5);
  expect(await aliceCard.getByTestId('answer').textContent()).toContain('$11,600');
  expect(await bobCard.getByTestId('run-path').textContent()).toBe('Fill gaps, then analyse');
  expect(await bobCard.locator('[data-testid="stage-row"][data-status="succeeded"]').count()).toBe(4);
  expect(await bobCard.getByTestId('answer').textContent()).toContain('Azure');

  // Live, not all at the end: the page itself saw spinners on running stages, activity lines while
  // the card was running, and stage rows moving through queued → running → succeeded.
  for (const { page } of [alice, bob]) {
    const seen = await page.evaluate(() => (window as unknown as { __liveness: Record<string, unknown> }).__liveness);
    expect(seen).toMatchObject({ spinnerOnRunningStage: true, activityWhileRunning: true, queuedStage: true });
    expect(seen.maxStagesSucceededWhileRunning).toBeGreaterThanOrEqual(2);
  }

  // The answer streamed: while the run was still running, the page showed it in several growing
  // steps, each a beginning of the finished answer. On the wire, the reporting call's deltas add up
  // to exactly the answer in the result.
  for (const [user, card] of [
    [alice, aliceCard],
    [bob, bobCard],
  ] as const) {
    const runId = (await card.getAttribute('data-run-id'))!;
    const answers = await user.page.evaluate(
      (id) => (window as unknown as { __liveness: { answers: Record<string, string[]> } }).__liveness.answers[id] ?? [],
      runId,
    );
    const finished = answerLetters((await card.getByTestId('answer').textContent()) ?? '');
    const steps = [...new Set(answers.map(answerLetters))].filter((text) => text !== '');
    expect(steps.length).toBeGreaterThanOrEqual(2);
    steps.forEach((text, index) => {
      expect(finished.startsWith(text)).toBe(true);
      if (index > 0) expect(text.length).toBeGreaterThan(steps[index - 1]!.length);
    });
    expect(steps.at(-1)!.length).toBeLessThanOrEqual(finished.length);
    expect(await card.getByTestId('answer').getAttribute('data-answer-state')).toBe('final');

    const runFrames = user.frames.filter(
      (frame) => (frame.type === 'event' && frame.event.runId === runId) || (frame.type === 'result' && frame.runId === runId),
    );
    const deltas = runFrames.flatMap((frame) => (frame.type === 'event' && frame.event.type === 'agent_output_delta' ? [frame.event] : []));
    expect(new Set(deltas.map((event) => `${event.agentName}|${event.executionId}`)).size).toBe(1);
    const result = runFrames.find((frame) => frame.type === 'result' && frame.result.status !== 'suspended');
    const reporting =
      result?.type === 'result'
        ? (result.result.stages.find((stage) => (stage as { agentName?: string }).agentName === 'reporting') as {
            output: { headline: string; answer: string };
          })
        : undefined;
    expect(deltas.map((event) => event.delta).join('')).toBe(answerToText(reporting!.output));
  }

  // From the top of the page, so the sticky header does not sit over the card.
  for (const { page } of [alice, bob]) await page.evaluate(() => window.scrollTo(0, 0));
  const cardBox = await aliceCard.boundingBox();
  if (!cardBox) throw new Error('the finished card is not on screen');
  await alice.page.screenshot({ path: join(RESULTS_DIR, 'finished-run.png'), fullPage: true, clip: cardBox });
  await alice.page.screenshot({ path: join(RESULTS_DIR, 'alice-1280.png'), fullPage: true });
  await bob.page.screenshot({ path: join(RESULTS_DIR, 'bob-375.png'), fullPage: true });

  // The phone layout has no horizontal scrolling.
  expect(await bob.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // Cancel: Alice asks again and cancels while it runs, held at the optimization gate (never opened:
  // only the cancel's abort lets the stage go).
  await alice.page.getByTestId('ask-input').fill(`${ALICE_CANCELLED_QUESTION} ${gateMarker('optimization')}`);
  await alice.page.getByTestId('ask-submit').click();
  const cancelCard = alice.page.getByTestId('run-card').filter({ hasText: ALICE_CANCELLED_QUESTION });
  await gates.reached('optimization');
  await cancelCard.locator('[data-testid="stage-row"][data-stage="optimization"][data-status="running"]').waitFor(WAIT);
  await cancelCard.getByTestId('cancel-run').click();
  await cancelCard.and(alice.page.locator('[data-status="cancelled"]')).waitFor(WAIT);
  expect(await cancelCard.getByTestId('run-status').textContent()).toBe('Cancelled');
  expect(await cancelCard.locator('[data-testid="stage-row"][data-status="succeeded"]').count()).toBe(2);

  // Isolation: nothing of the other user ever reached a page, over the wire or in its cards.
  for (const [user, own, others] of [
    [alice, 'alice', [BOB_QUESTION]],
    [bob, 'bob', [ALICE_QUESTION, ALICE_CANCELLED_QUESTION]],
  ] as const) {
    const events = user.frames.filter((frame) => frame.type === 'event');
    expect(events.length).toBeGreaterThan(20);
    expect(events.every((frame) => frame.event.userId === own)).toBe(true);
    const ids = events.map((frame) => frame.id);
    expect(new Set(ids).size).toBe(ids.length);
    const wire = JSON.stringify(user.frames);
    // The runs area (the example chips carry the example texts for everyone, as tooltips).
    const html = await user.page.getByTestId('runs').innerHTML();
    for (const text of others) {
      expect(wire).not.toContain(text);
      expect(html).not.toContain(text);
    }
    expect(user.errors).toEqual([]);
  }

  await alice.context.close();
  await bob.context.close();
}, 300_000);

/** Each stage row of a card as `[stage, status]`. */
async function stageStatuses(card: ReturnType<Page['getByTestId']>): Promise<string[][]> {
  return card
    .getByTestId('stage-row')
    .evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-stage') ?? '', row.getAttribute('data-status') ?? '']));
}

it('a reload mid-run shows the same page: earlier runs listed, the card in flight with its question and every stage so far, then it completes', async () => {
  const carol = await openAs('carol', 'carol-demo-pw', { width: 1280, height: 900 });
  const { page } = carol;
  const cardOf = (question: string) =>
    page.getByTestId('run-card').filter({ has: page.getByTestId('run-question').getByText(question, { exact: true }) });

  // An earlier question, finished before the reload.
  await page.getByTestId('ask-input').fill(CAROL_EARLIER_QUESTION);
  await page.getByTestId('ask-input').press('Enter');
  await cardOf(CAROL_EARLIER_QUESTION).and(page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  const earlierAnswer = await cardOf(CAROL_EARLIER_QUESTION).getByTestId('answer').textContent();

  // The question in flight: wait (on the DOM) until triage, data and optimization are done, approve
  // the plan, and wait until actions runs (its agent then waits at the test's gate).
  await page.getByTestId('ask-input').fill(CAROL_HELD_QUESTION);
  await page.getByTestId('ask-input').press('Enter');
  const held = cardOf(CAROL_HELD_QUESTION);
  await held.locator('[data-testid="stage-row"][data-stage="optimization"][data-status="succeeded"]').waitFor(WAIT);
  await held.getByTestId('approve').click(WAIT);
  await held.locator('[data-testid="stage-row"][data-stage="actions"][data-status="running"]').waitFor(WAIT);
  const stagesBefore = await stageStatuses(held);
  expect(stagesBefore).toEqual([
    ['triage', 'succeeded'],
    ['data', 'succeeded'],
    ['optimization', 'succeeded'],
    ['actions', 'running'],
    ['reporting', 'queued'],
  ]);
  const activityBefore = await held.locator('.activity-line').allTextContents();

  await page.reload();
  await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor(WAIT);
  // The page read its history, then connected with the history's cursor.
  expect(carol.socketUrls.at(-1)).toMatch(/\/ws\?since=/);
  await held.locator('[data-testid="stage-row"][data-stage="actions"][data-status="running"]').waitFor(WAIT);
  await expect.poll(() => held.locator('.activity-line').count(), WAIT).toBe(activityBefore.length);
  // The same card as before the reload: its question (not "asked in another tab"), path, every stage, the activity.
  expect(await held.getByTestId('run-question').textContent()).toBe(CAROL_HELD_QUESTION);
  expect(await held.getByTestId('run-status').textContent()).toBe('Running');
  expect(await held.getByTestId('run-path').textContent()).toBe('Full analysis');
  expect(await held.getByTestId('approval').getAttribute('data-state')).toBe('approved');
  expect(await stageStatuses(held)).toEqual(stagesBefore);
  expect(await held.locator('.activity-line').allTextContents()).toEqual(activityBefore);
  expect(await page.getByText('A question asked in another tab').count()).toBe(0);
  // The earlier run is listed, finished, with its path and answer.
  const earlier = cardOf(CAROL_EARLIER_QUESTION);
  expect(await earlier.getAttribute('data-status')).toBe('succeeded');
  expect(await earlier.getByTestId('run-path').textContent()).toBe('General guidance');
  expect(await earlier.getByTestId('answer').textContent()).toBe(earlierAnswer);
  expect(await page.getByTestId('run-card').count()).toBe(2);

  // Then it completes, live.
  gates.open('actions');
  await held.and(page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  expect(await stageStatuses(held)).toEqual([
    ['triage', 'succeeded'],
    ['data', 'succeeded'],
    ['optimization', 'succeeded'],
    ['actions', 'succeeded'],
    ['reporting', 'succeeded'],
  ]);
  expect(await held.getByTestId('answer').getAttribute('data-answer-state')).toBe('final');
  expect(await held.getByTestId('answer').textContent()).toContain('$11,600');
  await page.screenshot({ path: join(RESULTS_DIR, 'carol-after-reload.png'), fullPage: true });
  expect(carol.errors).toEqual([]);
  await carol.context.close();
}, 300_000);

it('two tabs of one user: both ask for the approval, a reload keeps it, approving in one tab finishes the run in the other', async () => {
  const first = await openAs('bob', 'bob-demo-pw', { width: 1280, height: 900 });
  const second = await openTab(first.context);
  const cardIn = (page: Page, question: string) =>
    page.getByTestId('run-card').filter({ has: page.getByTestId('run-question').getByText(question, { exact: true }) });

  await first.page.getByTestId('ask-input').fill(APPROVAL_QUESTION);
  await first.page.getByTestId('ask-input').press('Enter');
  // Both tabs (the other one learns of the run from its events) show the question with its buttons.
  for (const { page } of [first, second]) {
    const card = cardIn(page, APPROVAL_QUESTION);
    await card.getByTestId('approve').waitFor(WAIT);
    expect(await card.getAttribute('data-status')).toBe('waiting');
    expect(await card.getByTestId('run-status').textContent()).toBe('Waiting for approval');
    expect(await card.getByTestId('approval-prompt').textContent()).toBe('Apply this plan? 7 steps, about $13,880 a month');
    expect(await card.locator('[data-testid="stage-row"][data-stage="actions"]').getAttribute('data-status')).toBe('awaiting_approval');
    expect(await card.getByTestId('reject').isEnabled()).toBe(true);
  }
  await first.page.evaluate(() => window.scrollTo(0, 0));
  const waitingBox = await cardIn(first.page, APPROVAL_QUESTION).boundingBox();
  if (!waitingBox) throw new Error('the waiting card is not on screen');
  await first.page.screenshot({ path: join(RESULTS_DIR, 'approval-waiting.png'), fullPage: true, clip: waitingBox });

  // A reload of the second tab keeps the pending approval (from the history, then the replay).
  await second.page.reload();
  await second.page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor(WAIT);
  const secondCard = cardIn(second.page, APPROVAL_QUESTION);
  await secondCard.getByTestId('approve').waitFor(WAIT);
  expect(await secondCard.getByTestId('approval-prompt').textContent()).toBe('Apply this plan? 7 steps, about $13,880 a month');

  // Approved in the first tab, with a note; the second tab sees the run go on and finish.
  const firstCard = cardIn(first.page, APPROVAL_QUESTION);
  await firstCard.getByTestId('approval-note').fill('FinOps signed off');
  await firstCard.getByTestId('approve').click();
  await secondCard.and(second.page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  expect(await secondCard.getByTestId('approval').getAttribute('data-state')).toBe('approved');
  expect(await secondCard.getByTestId('approval-outcome').textContent()).toBe('Approved');
  expect(await secondCard.getByTestId('approval').textContent()).toContain('FinOps signed off');
  expect(await stageStatuses(secondCard)).toEqual([
    ['triage', 'succeeded'],
    ['data', 'succeeded'],
    ['optimization', 'succeeded'],
    ['actions', 'succeeded'],
    ['reporting', 'succeeded'],
  ]);
  expect(await secondCard.getByTestId('answer').textContent()).toContain('$11,600');
  await firstCard.and(first.page.locator('[data-status="succeeded"]')).waitFor(WAIT);
  await second.page.evaluate(() => window.scrollTo(0, 0));
  const approvedBox = await secondCard.boundingBox();
  if (!approvedBox) throw new Error('the approved card is not on screen');
  await second.page.screenshot({ path: join(RESULTS_DIR, 'approval-approved.png'), fullPage: true, clip: approvedBox });

  // Rejected in the second tab: the first shows the actions stage rejected, and the answer without a plan.
  await second.page.getByTestId('ask-input').fill(REJECTED_QUESTION);
  await second.page.getByTestId('ask-input').press('Enter');
  const rejectedHere = cardIn(second.page, REJECTED_QUESTION);
  await rejectedHere.getByTestId('reject').click(WAIT);
  const rejectedThere = cardIn(first.page, REJECTED_QUESTION);
  await rejectedThere.and(first.page.locator('[data-status="failed"]')).waitFor(WAIT);
  expect(await rejectedThere.getByTestId('approval').getAttribute('data-state')).toBe('rejected');
  const actionsRow = rejectedThere.locator('[data-testid="stage-row"][data-stage="actions"]');
  expect(await actionsRow.getAttribute('data-status')).toBe('failed');
  expect(await actionsRow.locator('.stage-status-text').textContent()).toBe('Rejected');
  expect(await actionsRow.textContent()).toContain('APPROVAL_REJECTED');
  expect(await rejectedThere.getByTestId('answer').getAttribute('data-answer-state')).toBe('final');

  expect(first.errors).toEqual([]);
  expect(second.errors).toEqual([]);
  await first.context.close();
}, 300_000);

// Last: it stops the server.
it('when the server stops mid-run, the card shows the run interrupted and the toast does not say runs keep going', async () => {
  const carol = await openAs('carol', 'carol-demo-pw', { width: 1280, height: 900 });
  const { page } = carol;
  const question = `${BOB_QUESTION} ${gateMarker('data')}`;
  await page.getByTestId('ask-input').fill(question);
  await page.getByTestId('ask-input').press('Enter');
  const card = page.getByTestId('run-card').filter({ has: page.getByTestId('run-question').getByText(question, { exact: true }) });
  await card.locator('[data-testid="stage-row"][data-stage="data"][data-status="running"]').waitFor(WAIT);

  await server.close();
  const toast = page.getByTestId('reconnect-toast');
  await toast.waitFor(WAIT);
  await card.and(page.locator('[data-status="interrupted"]')).waitFor(WAIT);
  const text = (await toast.textContent()) ?? '';
  expect(text).toContain('The server stopped');
  expect(text).not.toMatch(/keep going/);
  await carol.context.close();
}, 300_000);
