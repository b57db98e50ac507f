import type { Locator, Page } from 'playwright-core';

export interface DeployInput {
  image: string;
  name: string;
  namespace?: string;
  pullPolicy?: 'IfNotPresent' | 'Never' | 'Always';
  command?: string;
  port?: number;
  changeCause?: string;
  resourcePreset?: 'small' | 'medium' | 'large';
  readiness?: { path: string; port: number };
  service?: boolean;
  hpa?: { min: number; max: number; cpu: number };
}

/** The Deploy form: controls found by their labels, as a person reads them. */
export class DeployPage {
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('form', { name: 'Deployment settings' });
  }

  /** Opens a fresh form (leaving it first when it is open already, so nothing carries over). */
  async open(): Promise<void> {
    if (/#\/deploy$/.test(this.page.url())) {
      await this.page
        .getByRole('navigation', { name: 'Resource kinds' })
        .getByRole('link', { name: 'Overview' })
        .click();
    }
    await this.page.getByRole('banner').getByRole('link', { name: 'Deploy', exact: true }).click();
    await this.page.getByRole('main').getByRole('heading', { name: 'Deploy', level: 2 }).waitFor();
  }

  field(label: string): Locator {
    return this.form.getByLabel(label, { exact: true });
  }

  async fill(input: DeployInput): Promise<void> {
    await this.form.getByRole('combobox', { name: 'Image' }).fill(input.image);
    if (input.pullPolicy) await this.form.getByRole('combobox', { name: 'Pull policy' }).selectOption(input.pullPolicy);
    await this.form.getByRole('textbox', { name: 'Name', exact: true }).fill(input.name);
    if (input.namespace) await this.form.getByRole('combobox', { name: 'Namespace' }).selectOption(input.namespace);
    if (input.changeCause) await this.form.getByRole('textbox', { name: 'Change cause' }).fill(input.changeCause);
    if (input.command) await this.form.getByRole('textbox', { name: 'Command', exact: true }).fill(input.command);
    if (input.port) {
      await this.form.getByRole('button', { name: 'Add port' }).click();
      await this.form.getByRole('spinbutton', { name: 'Container port' }).fill(String(input.port));
    }
    if (input.resourcePreset) {
      await this.form.getByRole('combobox', { name: 'Preset' }).selectOption(input.resourcePreset);
    }
    if (input.readiness) {
      await this.form.getByRole('checkbox', { name: 'Readiness probe' }).check();
      const probe = this.form.locator('.probe', { has: this.page.getByRole('checkbox', { name: 'Readiness probe' }) });
      await probe.getByRole('textbox', { name: 'Path' }).fill(input.readiness.path);
      await probe.getByRole('spinbutton', { name: 'Port' }).fill(String(input.readiness.port));
      await probe.getByRole('spinbutton', { name: 'Period (s)' }).fill('2');
    }
    if (input.service) await this.form.getByRole('checkbox', { name: 'Create a Service' }).check();
    if (input.hpa) {
      await this.form.getByRole('checkbox', { name: 'Create a HorizontalPodAutoscaler' }).check();
      await this.form.getByRole('spinbutton', { name: 'Min replicas' }).fill(String(input.hpa.min));
      await this.form.getByRole('spinbutton', { name: 'Max replicas' }).fill(String(input.hpa.max));
      await this.form.getByRole('spinbutton', { name: 'Target CPU (%)' }).fill(String(input.hpa.cpu));
    }
  }

  preview(): Locator {
    return this.page.getByRole('textbox', { name: 'Deployment YAML' });
  }

  async deploy(): Promise<void> {
    await this.page.getByRole('main').getByRole('button', { name: 'Deploy', exact: true }).click();
  }
}
