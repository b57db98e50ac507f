import type { Locator, Page } from 'playwright-core';

/** A workload's Rollout tab: status, ReplicaSets, revisions, diff, actions with confirmation. */
export class RolloutPage {
  readonly status: Locator;
  readonly revisions: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status', { name: 'Rollout status text' });
    this.revisions = page.getByRole('table', { name: 'Revisions' });
  }

  async waitForStatus(text: string | RegExp, timeout = 60_000): Promise<void> {
    await this.page.getByRole('main').locator('output', { hasText: text }).waitFor({ timeout });
  }

  revisionRow(revision: number): Locator {
    return this.revisions
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${revision}([^0-9]|$)`) }) });
  }

  diff(from: number, to: number): Locator {
    return this.page.getByRole('region', { name: `Diff of revision ${from} and revision ${to}` });
  }

  /** Clicks an action button and confirms it in the dialog. */
  async act(button: string | Locator, confirm: string): Promise<void> {
    const b =
      typeof button === 'string'
        ? this.page.getByRole('main').getByRole('button', { name: button, exact: true })
        : button;
    await b.click();
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }
}
