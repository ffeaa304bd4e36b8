import type { Plugin } from 'vite';

// Codegen writes every operation as `new TypedDocumentString(...)`, which a bundler must keep
// (a constructor call may have effects): each bundle would carry every operation of the app.
// Marked pure, a document lands only in the bundles that use it (the widget carries its own).
export const pureDocuments: Plugin = {
  name: 'brandhub-pure-documents',
  transform(code, id) {
    if (!id.endsWith('/api/generated/graphql.ts')) return null;
    return { code: code.replaceAll('= new TypedDocumentString(', '= /*#__PURE__*/ new TypedDocumentString('), map: null };
  },
};
