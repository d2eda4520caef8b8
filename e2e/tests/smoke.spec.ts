import { expect, test } from '@playwright/test';

// The cheapest check that the whole chain works: the server serves the app,
// the wasm loads and starts without throwing. A wasm start-up failure shows
// only as a 'pageerror' on an otherwise empty page.
test('the start page opens without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto('/');
  await expect(page).toHaveTitle(/Vorgangsraum/);
  await page.waitForLoadState('networkidle');

  expect(errors).toEqual([]);
});
