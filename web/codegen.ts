import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the server's SDL and the operations in src/**/*.graphql.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/api/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTime: 'string', Decimal: 'string', JSON: 'any' },
        documentMode: 'string',
      },
    },
  },
};

export default config;
