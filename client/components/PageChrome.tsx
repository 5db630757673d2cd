import type { ReactNode } from 'react';
import './PageChrome.css';

/** A link that lets keyboard users jump past the header, first thing on every page. */
export function SkipLink({ targetId, children }: { targetId: string; children: ReactNode }) {
  return (
    <a
      className="nhsuk-skip-link"
      href={`#${targetId}`}
      onClick={(event) => {
        // Focus the target directly: changing the fragment would disturb the board link.
        event.preventDefault();
        document.getElementById(targetId)?.focus();
      }}
    >
      {children}
    </a>
  );
}

/**
 * The NHS header (nhsuk-frontend's blue bar) with the service's name, and
 * whatever the page adds to it. It has no NHS logo: that belongs to the trust
 * running Retain, not to Retain. The inner row is Retain's own, to share the
 * page's width and make room for a board's title (docs/client.md, "Styles").
 */
export function SiteHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="nhsuk-header site-header">
      <div className="site-header__inner">
        <a className="nhsuk-header__service-name site-header__brand" href="/">
          Retain
        </a>
        {children}
      </div>
    </header>
  );
}

/** The footer, crediting the source of the workshop material. */
export function SiteFooter() {
  return (
    <footer className="site-footer">
      <p>Based on the NHS Employers retention guide.</p>
    </footer>
  );
}

/** A page with only a short message: loading, or why a board cannot open. */
export function MessagePage({ children }: { children: ReactNode }) {
  return (
    <div className="page">
      <SiteHeader />
      <main className="page__main page__main--narrow" id="main">
        {children}
      </main>
      <SiteFooter />
    </div>
  );
}
