// Setup for the client tests (jsdom): an IndexedDB for y-indexeddb, no
// network, and a clean DOM and clean storage after every test.
import 'fake-indexeddb/auto';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// Client tests never touch the network: a test that forgets to mock fetch or
// to pass a WebSocket polyfill fails loudly instead of trying to connect.
vi.stubGlobal('fetch', () => Promise.reject(new Error('Client tests must mock fetch.')));
vi.stubGlobal(
  'WebSocket',
  class {
    constructor() {
      throw new Error('Client tests must pass a WebSocket polyfill.');
    }
  },
);

afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
});
