import type { Locator, Page } from 'playwright-core';

/** A kubectl-style table view: rows by name, filters, selection and bulk delete. */
export class ListPage {
  readonly table: Locator;

  constructor(
    readonly page: Page,
    label: string,
  ) {
    this.table = page.getByRole('main').getByRole('table', { name: label });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  headers(): Promise<string[]> {
    return this.table.getByRole('columnheader').allTextContents();
  }

  async open(name: string): Promise<void> {
    await this.row(name).getByRole('link', { name, exact: true }).click();
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: /Filter .* by text/ }).fill(text);
  }

  async select(key: string): Promise<void> {
    await this.table.getByRole('checkbox', { name: `Select ${key}` }).check();
  }
}
