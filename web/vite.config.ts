import { resolve } from 'node:path';

const here = import.meta.dirname;
import { defineConfig } from 'vite';
import { pureDocuments } from './scripts/pure-documents';

// The app, GraphiQL and the widget's two helper pages (bridge, sign-in popup). Hashed file
// names under assets/ are served with a year-long cache; embed.js is built separately
// (vite.embed.config.ts) so that its URL stays stable.
export default defineConfig({
  plugins: [pureDocuments],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: {
        app: resolve(here, 'index.html'),
        graphiql: resolve(here, 'graphiql.html'),
        bridge: resolve(here, 'embed/bridge.html'),
        signin: resolve(here, 'embed/sign-in.html'),
      },
    },
  },
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:8000', ws: true } },
  },
});
