import { useState } from 'preact/hooks';

/**
 * Asks for the server's bearer token, once per tab: the server answered 401. The token
 * is kept in sessionStorage and sent as `Authorization: Bearer`, never put in a URL.
 */
export function TokenPrompt({ hadToken, onSubmit }: { hadToken: boolean; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <section class="token" aria-labelledby="token-title">
      <h1 id="token-title">This server needs a token</h1>
      {hadToken ? (
        <p role="alert">The token given was refused. Enter the server's token again.</p>
      ) : (
        <p>Enter the token the server was started with (MINIONS_TOKEN or --token). It stays in this tab only.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim() !== '') onSubmit(token.trim());
        }}
      >
        <label for="token-input">Token</label>
        <input id="token-input" type="password" autoComplete="off" autoFocus required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
        <button type="submit">Continue</button>
      </form>
    </section>
  );
}
