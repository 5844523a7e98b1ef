import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { pingOnlyEngine, quizLessons, serveClass, type Serving } from '../helpers/class-server.js';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/** Debian's chromium (apt-get install chromium; .ci/engine.sh installs it), driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium tries the network on its own, and there is none here.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The board in a real browser: a learner's cell turns green while the page stays open, with no reload. */
describe('the class board in a browser', () => {
  const lessons = quizLessons();
  const learner = freshStateDir();
  let engine: Awaited<ReturnType<typeof pingOnlyEngine>>;
  let serving: Serving;
  let browser: BrowserContext;
  let page: Page;
  const lab = (...args: string[]) => runLab(args, { LAB_STATE_DIR: learner, LAB_LESSONS_DIR: lessons, DOCKER_HOST: engine.host }, 30_000);

  beforeAll(async () => {
    engine = await pingOnlyEngine();
    serving = await serveClass(['--port', '0', '--data', mkdtempSync(join(tmpdir(), 'lab-class-data-'))], { LAB_LESSONS_DIR: lessons });
    expect((await lab('class', 'join', serving.url, serving.code, '--name', 'Ada Lovelace')).code).toBe(0);
    expect((await lab('check', 'concepts')).code).toBe(1);
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lab-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 720 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serving?.stop();
    await engine?.close();
  });

  const cell = () => page.locator('.cell[data-stage="concepts"]').first();

  it("shows the learner's failing stage, with the failing check's title on hover", async () => {
    await page.goto(`${serving.url}/?token=${serving.token}`);
    await page.locator('.cell[data-stage="concepts"][data-state="failed"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('td.who').first().textContent()).toBe('Ada Lovelace');
    expect(await cell().getAttribute('title')).toContain('failing: the concepts quiz is answered right');
    expect(await page.locator('#live').textContent()).toBe('live');
  });

  it('turns the cell green when the learner passes, without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { stillThisPage: boolean }).stillThisPage = true));
    expect((await lab('quiz', 'concepts', '--answer', 'pick=b')).code).toBe(0);
    expect((await lab('check', 'concepts')).code).toBe(0);
    await page.locator('.cell[data-stage="concepts"][data-state="passed"]').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
    const style = (node: unknown) => (globalThis as unknown as { getComputedStyle(n: unknown): { backgroundColor: string } }).getComputedStyle(node).backgroundColor;
    expect(await cell().evaluate(style)).toBe('rgb(31, 157, 85)');
  });

  it('saves a 1280x720 screenshot of the board', async () => {
    expect((await lab('class', 'hand', 'is stage 2 graded?')).code).toBe(0);
    await page.locator('tr.hand').waitFor({ timeout: 5_000 });
    const file = join(tmpdir(), `lab-class-board-${process.pid}.png`);
    await page.screenshot({ path: file });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 720]);
    // A blank page compresses to a few kilobytes; the board's text and cells make it larger.
    expect(statSync(file).size).toBeGreaterThan(15_000);
  });
});
