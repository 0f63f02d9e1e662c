/** Layer rules of the clean architecture (STYLE.md, "The shape of a service"). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing outward: no use cases, adapters, infrastructure, frameworks or I/O.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        pathNot: ['^services/[^/]+/src/domain/', '^packages/common/src/(errors|ids|text)\\.ts$', '/node_modules/twitter-text/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-frameworks',
      severity: 'error',
      comment: 'Pure rule libraries without I/O (twitter-text: how Twitter counts and parses tweet text) are the only exception.',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: 'node_modules', pathNot: '/node_modules/twitter-text/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'use-cases-only-domain-and-ports',
      comment: 'Use cases depend on the domain and on ports (interfaces in use-cases/), never on adapters or infrastructure.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/use-cases/' },
      to: {
        path: ['^services/[^/]+/src/(adapters|infrastructure)/', '^services/[^/]+/src/(app|main)\\.ts$', 'node_modules/(fastify|pg|ioredis|cassandra-driver|@aws-sdk)'],
      },
    },
    {
      name: 'adapters-not-infrastructure-wiring',
      comment: 'Only the composition root (main.ts) wires infrastructure to adapters.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/(domain|use-cases|adapters|infrastructure)/' },
      to: { path: '^services/[^/]+/src/main\\.ts$' },
    },
    {
      name: 'no-cross-service-imports',
      comment: 'Services talk over HTTP and events, never through each other\'s code.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'common-does-not-import-services',
      severity: 'error',
      from: { path: '^packages/common/' },
      to: { path: '^services/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    exclude: { path: ['node_modules', '\\.tools', '\\.stack'] },
  },
};
