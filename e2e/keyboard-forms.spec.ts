import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/** Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { max = 60, back = false } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

/** The focused element draws a visible focus ring (an outline that is not none or zero-width). */
async function expectFocusRing(page: Page): Promise<void> {
  const outline = await page.locator(':focus').evaluate((el) => {
    const style = el.ownerDocument.defaultView!.getComputedStyle(el);
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThan(0);
}

/** Issue 13: every dialog and form usable without a mouse. One form and one dialog, keyboard only. */
test('adds a server and deletes it again with the keyboard alone: form, Enter, dialog, Escape, focus back', async ({
  page,
  tidemark,
}) => {
  await page.goto((await tidemark.start()).url);
  const addServer = page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('link', { name: 'Add server', exact: true });
  await tabTo(page, addServer);
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();

  // The form, field by field with Tab, saved with Enter.
  await tabTo(page, page.getByLabel('Name'));
  await page.keyboard.type('Keyboard only');
  await tabTo(page, page.getByLabel('Host'));
  await expectFocusRing(page);
  await page.keyboard.type('db-keys.example.com');
  await tabTo(page, page.getByLabel('Database'));
  await page.keyboard.type('app');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('User')).toBeFocused();
  await page.keyboard.type('dba');
  await page.keyboard.press('Enter');
  // Not saved yet (the password is to be stored): the error summary takes the focus and links to the field.
  const summary = page.getByRole('button', { name: 'Password', exact: true });
  await tabTo(page, summary, { max: 3 });
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type('secret-typed-by-keyboard');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Keyboard only', level: 1 })).toBeVisible();

  // The Connection page's Delete… opens a dialog: focus on the safe choice, trapped inside, Escape closes it.
  const connection = page
    .getByRole('navigation', { name: 'Keyboard only sections' })
    .getByRole('link', { name: 'Connection' });
  await tabTo(page, connection);
  await page.keyboard.press('Enter');
  const remove = page.getByRole('button', { name: 'Delete…' });
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete “Keyboard only”?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    const inside = await dialog.evaluate(
      // The page behind is inert: focus is on the dialog's controls, or out in the browser's own UI (body).
      (d) =>
        d.contains(d.ownerDocument.activeElement) || d.ownerDocument.activeElement === d.ownerDocument.body,
    );
    expect(inside, 'focus stays in the dialog').toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole('button', { name: 'Delete profile' }), { max: 4 });
  await expectFocusRing(page);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(
    page.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: /Keyboard only/ }),
  ).toHaveCount(0);
});
