import type { Locator, Page } from 'playwright-core';

/** The app frame: header, namespace switcher, resource-kind navigation and the main area. */
export class ShellPage {
  readonly heading: Locator;
  readonly navigation: Locator;
  readonly main: Locator;
  readonly namespace: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'KubeDesk', level: 1 });
    this.navigation = page.getByRole('navigation', { name: 'Resource kinds' });
    this.main = page.getByRole('main');
    this.namespace = page.getByRole('combobox', { name: 'Namespace' });
  }

  /** Opens the app through the one-time login link and waits until it is connected. */
  async login(loginUrl: string): Promise<void> {
    await this.page.goto(loginUrl);
    await this.heading.waitFor();
    await this.navigation.getByRole('link', { name: 'Overview' }).waitFor();
    await this.mainHeading().waitFor();
  }

  kind(name: string): Locator {
    return this.navigation.getByRole('link', { name, exact: true });
  }

  async go(name: string): Promise<void> {
    await this.kind(name).click();
    await this.mainHeading(name).waitFor();
  }

  mainHeading(name?: string): Locator {
    return this.main.getByRole('heading', { level: 2, ...(name ? { name, exact: true } : {}) });
  }

  async chooseNamespace(name: string): Promise<void> {
    await this.namespace.selectOption(name === 'All namespaces' ? '' : name);
  }

  async newFromYaml(): Promise<void> {
    await this.page.getByRole('banner').getByRole('link', { name: 'New from YAML' }).click();
    await this.mainHeading('New from YAML').waitFor();
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }
}
