import { expect, test } from '@playwright/test';

// The cheapest check that the whole chain works: the server serves the app,
// the wasm loads and starts without throwing. A wasm start-up failure shows
// only as a 'pageerror' on an otherwise empty page, and a script the
// Content-Security-Policy blocks only as a console message.
test('the start page opens without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      errors.push(message.text());
    }
  });

  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);

  await expect(page).toHaveTitle(/Vorgangsraum/);
  expect(errors).toEqual([]);
});
