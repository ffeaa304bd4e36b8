import { defineConfig, type Plugin } from 'vite';
import { pureDocuments } from './scripts/pure-documents';

// The widget's inner elements get private names (brandhub-campaign-leaderboard, …) in its own
// build, so a host page that defines <bh-leaderboard> or loads brandhub's app cannot hand the
// widget its own element: tag names in templates, styles and define() calls are all renamed.
const INNER = /(?<![\w-])bh-(leaderboard|ballot-ranked|vote-approval|vote-score|vote-quadratic)(?![\w-])/g;
const privateNames: Plugin = {
  name: 'brandhub-private-element-names',
  transform(code, id) {
    if (!id.includes('/web/src/') || !INNER.test(code)) return null;
    INNER.lastIndex = 0;
    return { code: code.replace(INNER, 'brandhub-campaign-$1'), map: null };
  },
};

// The widget: one self-contained, minified module at a stable URL (/embed.js), loaded by other
// sites' pages; no shared chunks, so a release never leaves it pointing at vanished files.
export default defineConfig({
  plugins: [privateNames, pureDocuments],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    copyPublicDir: false,
    rollupOptions: {
      input: { embed: 'src/embed.ts' },
      preserveEntrySignatures: false,
      output: { entryFileNames: 'embed.js', inlineDynamicImports: true, format: 'es' },
    },
  },
});
