import type { Page } from 'playwright-core';

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The few page globals the check reads (the project's TypeScript has no DOM lib). */
interface MapPage {
  innerWidth: number;
  innerHeight: number;
  document: {
    querySelector(selector: string): { getBoundingClientRect(): Rect } | null;
    querySelectorAll(selector: string): Iterable<{ getBoundingClientRect(): Rect }>;
  };
}

/**
 * Waits until every node of the lit path is inside the map's box and the window, and clear of the
 * open side panel — the report and the dashboard both keep the path in sight (the map refits to the
 * room the panel leaves). A wait, not a timed check: it fails with the test's timeout.
 */
export async function waitForPathBesidePanel(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const g = globalThis as unknown as MapPage;
    const panel = g.document.querySelector('#panel')?.getBoundingClientRect();
    const box = g.document.querySelector('#map-scroll')?.getBoundingClientRect();
    if (!panel || !box) return false;
    const lit = [...g.document.querySelectorAll('#map-svg g.node.on-path')].map((el) => el.getBoundingClientRect());
    return (
      lit.length > 0 &&
      lit.every((r) => {
        const inside =
          r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom && r.right <= g.innerWidth && r.bottom <= g.innerHeight;
        const clear = r.right <= panel.left || r.left >= panel.right || r.bottom <= panel.top || r.top >= panel.bottom;
        return inside && clear;
      })
    );
  });
}
