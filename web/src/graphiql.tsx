// GraphiQL, bundled from the npm package and served by brandhub itself (no CDN).
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';

const endpoint = new URL('/graphql', location.href).toString();

async function fetcher(params: unknown, options?: { headers?: Record<string, string> }) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return response.json();
}

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(<GraphiQL fetcher={fetcher} defaultEditorToolsVisibility />);
}
