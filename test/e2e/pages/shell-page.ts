import type { Locator, Page } from 'playwright-core';

/** The app frame: header, resource-kind navigation and the main area. */
export class ShellPage {
  readonly heading: Locator;
  readonly navigation: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'KubeDesk', level: 1 });
    this.navigation = page.getByRole('navigation', { name: 'Resource kinds' });
    this.status = page.getByRole('main').getByRole('status');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.heading.waitFor();
  }

  kind(name: string): Locator {
    return this.navigation.getByRole('button', { name, exact: true });
  }

  async choose(kind: string): Promise<void> {
    await this.kind(kind).click();
  }

  mainHeading(): Locator {
    return this.page.getByRole('main').getByRole('heading', { level: 2 });
  }
}
