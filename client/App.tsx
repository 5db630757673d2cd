import { lazy, Suspense } from 'react';
import { boardIdFromPath, inviteCodeFromPath, usePathname } from './router';
import { HomePage } from './screens/home/HomePage';
import { MessagePage } from './components/PageChrome';

// The board brings Yjs, the sync provider and drag-and-drop; the home page needs none of them.
const BoardPage = lazy(() => import('./screens/board/BoardPage'));

/**
 * Picks the page for the current path: a board at `/b/<id>`, the home page
 * everywhere else; an invite link (`/j/<code>`) is the home page joining with that code.
 */
export function App() {
  const pathname = usePathname();
  const boardId = boardIdFromPath(pathname);
  if (boardId === null) return <HomePage inviteCode={inviteCodeFromPath(pathname)} />;
  return (
    <Suspense
      fallback={
        <MessagePage>
          <p role="status">Opening the board…</p>
        </MessagePage>
      }
    >
      <BoardPage key={boardId} boardId={boardId} />
    </Suspense>
  );
}
