import type { Locator, Page } from 'playwright-core';

/** One object's view: tabs, delete with its confirmation dialog. */
export class DetailPage {
  constructor(readonly page: Page) {}

  tab(name: 'Summary' | 'YAML' | 'Events'): Locator {
    return this.page.getByRole('tab', { name });
  }

  async delete(): Promise<void> {
    await this.page.getByRole('main').getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  }
}
