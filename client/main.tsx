import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared styles (the NHS design system and Retain's base on it) come before the
// App's import: each screen's own styles, imported with its component, then follow
// them and override them (docs/client.md, "Styles").
import './styles/index.scss';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
