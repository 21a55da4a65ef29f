import { useCallback, useEffect, useState } from 'react';
import { fetchMe, logout } from './api-client.js';
import { ChatView } from './components/chat-view.js';
import { LoginView } from './components/login-view.js';

type AuthState = { state: 'checking' } | { state: 'logged-out'; notice?: string } | { state: 'logged-in'; userId: string };

/** Login form until there is a session, then the chat view. */
export function App() {
  const [auth, setAuth] = useState<AuthState>({ state: 'checking' });

  useEffect(() => {
    let active = true;
    fetchMe().then(
      (userId) => active && setAuth(userId ? { state: 'logged-in', userId } : { state: 'logged-out' }),
      () => active && setAuth({ state: 'logged-out', notice: 'The server is not reachable. Is the demo running?' }),
    );
    return () => {
      active = false;
    };
  }, []);

  const handleLogout = useCallback(async () => {
    await logout().catch(() => undefined);
    setAuth({ state: 'logged-out' });
  }, []);
  const handleSessionEnded = useCallback(() => setAuth({ state: 'logged-out', notice: 'Your session ended. Please log in again.' }), []);

  if (auth.state === 'checking') {
    return (
      <div className="splash" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  }
  if (auth.state === 'logged-out') {
    return <LoginView notice={auth.notice} onLoggedIn={(userId) => setAuth({ state: 'logged-in', userId })} />;
  }
  return <ChatView key={auth.userId} userId={auth.userId} onLogout={handleLogout} onSessionEnded={handleSessionEnded} />;
}
