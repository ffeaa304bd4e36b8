import { defineConfig } from 'vite';

// The widget: one self-contained, minified module at a stable URL (/embed.js), loaded by other
// sites' pages; no shared chunks, so a release never leaves it pointing at vanished files.
export default defineConfig({
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
