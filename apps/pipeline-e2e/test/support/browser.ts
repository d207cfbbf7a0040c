/**
 * What the console's browser tests share: Debian's headless Chromium (playwright-core downloads no
 * browser of its own here) and the layout checks a page must pass at a given width.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '@recsys/testing';

/** tools/chromium.sh installs Chromium when missing; CHROMIUM_PATH overrides. */
async function chromiumPath(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(REPO_ROOT, 'tools/chromium.sh')], {
    timeout: 10 * 60_000,
  });
  return stdout.trim().split('\n').pop()!;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** How the page lays out at its current width (measured in the browser). */
export interface PageLayout {
  viewportWidth: number;
  /** The document's scrollable width: above the viewport's, the page scrolls sideways. */
  documentScrollWidth: number;
  headerHeight: number;
  /** Height of one line of the header's text (a nav link's). */
  headerLineHeight: number;
  /** Nav links whose label broke over more than one line. */
  brokenNavLinks: string[];
  /** Distinct rows the nav links sit on. */
  navRows: number;
}

/**
 * Runs in the page (a string: this project's TypeScript has no DOM types). A label on several lines
 * has several client rects; rows are the links' distinct tops.
 */
const MEASURE_LAYOUT = `(() => {
  const links = [...document.querySelectorAll('#nav a')];
  const header = document.querySelector('header.top');
  return {
    viewportWidth: document.documentElement.clientWidth,
    documentScrollWidth: document.documentElement.scrollWidth,
    headerHeight: header.getBoundingClientRect().height,
    headerLineHeight: Math.max(...links.map((link) => link.getClientRects()[0]?.height ?? 0)),
    brokenNavLinks: links
      .filter((link) => link.getClientRects().length > 1)
      .map((link) => link.textContent ?? ''),
    navRows: new Set(links.map((link) => Math.round(link.getBoundingClientRect().top))).size,
  };
})()`;

export async function pageLayout(page: Page): Promise<PageLayout> {
  return page.evaluate<PageLayout>(MEASURE_LAYOUT);
}

/**
 * Whether the first element `selector` matches has content wider than its box (it scrolls sideways);
 * false when nothing matches. An expression, as MEASURE_LAYOUT (a function given as a string would
 * not be called).
 */
export async function scrollsSideways(page: Page, selector: string): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    return element !== null && element.scrollWidth > element.clientWidth;
  })()`);
}
