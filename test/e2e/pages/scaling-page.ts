import type { Locator, Page } from 'playwright-core';

/** A workload's Scaling tab: the replicas stepper, the charts (by their summaries) and the HPA card. */
export class ScalingPage {
  readonly hpa: Locator;

  constructor(readonly page: Page) {
    this.hpa = page.getByRole('region', { name: 'Horizontal Pod Autoscaler' });
  }

  replicaChart(summary: string | RegExp): Locator {
    return this.page.getByRole('img', { name: summary });
  }

  async scaleTo(n: number): Promise<void> {
    const input = this.page.getByRole('spinbutton', { name: 'Desired replicas' });
    const current = Number(await input.inputValue());
    for (let i = current; i < n; i++) await this.page.getByRole('button', { name: 'One replica more' }).click();
    for (let i = current; i > n; i--) await this.page.getByRole('button', { name: 'One replica fewer' }).click();
    await this.page.getByRole('button', { name: `Scale to ${n}` }).click();
  }
}
