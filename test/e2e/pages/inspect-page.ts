import type { Locator, Page } from 'playwright-core';

/** The inspection views on an object's page: probe timeline, Why Pending, terminal, runs, nodes. */
export class InspectPage {
  constructor(readonly page: Page) {}

  get main(): Locator {
    return this.page.getByRole('main');
  }

  async openObject(group: string, resource: string, namespace: string | undefined, name: string, tab = 'summary') {
    const href = `#/object/${group || 'core'}/${resource}/${namespace ?? '_'}/${name}/${tab}`;
    await this.page.evaluate((h) => (location.hash = h), href);
    await this.main.getByRole('heading', { level: 2, name, exact: true }).waitFor();
  }

  tab(name: string): Locator {
    return this.main.getByRole('tab', { name, exact: true });
  }

  // ---- probes ----
  timeline(container: string): Locator {
    return this.main.getByRole('img', { name: `Probe timeline of container ${container}` });
  }

  points(container: string, result: 'success' | 'failure' | 'timeout'): Locator {
    return this.timeline(container).locator(`circle[data-result="${result}"]`);
  }

  probeSummary(container: string): Locator {
    return this.main.getByRole('list', { name: `Probe summary of ${container}` });
  }

  probesOf(container: string): Locator {
    return this.main.getByRole('article', { name: `Probes of container ${container}` });
  }

  // ---- Why Pending ----
  schedulerTable(): Locator {
    return this.main.getByRole('table', { name: 'Scheduler reasons per node' });
  }

  // ---- terminal ----
  async openTerminal(shell: 'sh' | 'bash' = 'sh'): Promise<Locator> {
    const form = this.main.getByRole('form', { name: 'New terminal' });
    await form.getByRole('combobox', { name: 'Shell' }).selectOption(shell);
    await form.getByRole('button', { name: 'Open terminal' }).click();
    const term = this.main.getByRole('application', { name: /^Terminal: / }).last();
    await term.waitFor();
    return term;
  }

  async type(term: Locator, text: string): Promise<void> {
    await term.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** The terminal's screen as text (xterm's DOM renderer draws spaces as no-break spaces). */
  async terminalText(term: Locator): Promise<string> {
    return (await term.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
  }

  // ---- jobs ----
  runs(cronJob: string): Locator {
    return this.main.getByRole('table', { name: `Runs of ${cronJob}` });
  }

  // ---- nodes ----
  node(name: string): Locator {
    return this.main.getByRole('region', { name: `Node ${name}` });
  }
}
