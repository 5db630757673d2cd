import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_CLIENT_DIR } from '../helpers/browser';

/**
 * The built styles hold no selector that matches on part of the class
 * attribute (`[class^=…]`, `[class*=…]`): with one in the page, Chromium
 * restyles every note on a board when one is added (vite.config.ts,
 * dropClassSubstringSelectors; docs/client.md, "Styles").
 */
describe('the built styles', () => {
  it('have no selector on part of the class attribute, so adding a note restyles only that note', () => {
    const assets = path.join(BUILT_CLIENT_DIR, 'assets');
    const sheets = fs.readdirSync(assets).filter((name) => name.endsWith('.css'));
    expect(sheets.length).toBeGreaterThan(0);
    const found = sheets.flatMap((name) => fs.readFileSync(path.join(assets, name), 'utf8').match(/\[class[\^*$|~]?=[^\]]*\]/g) ?? []);
    expect(found).toEqual([]);
    // The design system's styles are there: the check is not passing on an empty sheet.
    expect(sheets.some((name) => fs.readFileSync(path.join(assets, name), 'utf8').includes('.nhsuk-button'))).toBe(true);
  });
});
