import type { Locator, Page } from 'playwright-core';

/** A CodeMirror YAML editor, typed into as a person pastes text. */
export class YamlEditorPage {
  readonly content: Locator;

  constructor(
    readonly page: Page,
    label: string,
  ) {
    this.content = page.getByRole('textbox', { name: label });
  }

  async replace(text: string): Promise<void> {
    await this.content.click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.insertText(text);
  }

  text(): Promise<string> {
    return this.content.evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
  }
}
