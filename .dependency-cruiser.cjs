/**
 * Layer rules of the clean architecture (STYLE.md, "The shape of a service"). Workspace packages
 * resolve to their sources, so imports are followed through @chirp/kernel and @chirp/common; the
 * `reachable` rule judges every chain, not only direct imports.
 */

/**
 * What does I/O or is a framework: a module whose path (or, unresolved, whose name) is one of
 * these packages. `(^|node_modules/)` because pnpm nests packages in node_modules/.pnpm/...
 */
const PLATFORM =
  '(^|node_modules/)(fastify|@fastify/[^/]+|pg|pg-pool|ioredis|cassandra-driver|@aws-sdk/[^/]+|@smithy/[^/]+|undici|opossum|pino|prom-client|jsonwebtoken|argon2|fauxqs)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'core-reaches-no-platform',
      comment:
        'Domain and use cases reach no I/O and no framework by any chain of imports (a use case importing a package that loads the AWS SDK fails here, however deep the SDK is).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/(domain|use-cases)/' },
      to: { path: PLATFORM, reachable: true },
    },
    {
      name: 'core-imports-only-kernel',
      comment: 'Of the shared packages, domain and use cases import only @chirp/kernel (pure); @chirp/common is for adapters, infrastructure and main.ts.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/(domain|use-cases)/' },
      to: { path: '^packages/', pathNot: '^packages/kernel/' },
    },
    {
      name: 'kernel-is-pure',
      comment: '@chirp/kernel imports only itself, TypeBox (schemas, no I/O) and node:crypto (random ids).',
      severity: 'error',
      from: { path: '^packages/kernel/src/' },
      to: { pathNot: ['^packages/kernel/', 'node_modules/@sinclair/typebox/', '^(node:)?crypto$'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing outward: no use cases, adapters, infrastructure, frameworks or I/O.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        pathNot: ['^services/[^/]+/src/domain/', '^packages/kernel/src/', '/node_modules/twitter-text/'],
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
      to: { path: ['^services/[^/]+/src/(adapters|infrastructure)/', '^services/[^/]+/src/(app|main)\\.ts$'] },
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
      name: 'packages-do-not-import-services',
      severity: 'error',
      from: { path: '^packages/' },
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
    // node_modules are leaves of the graph (doNotFollow), not left out: the layer rules judge them.
    exclude: { path: ['\\.tools', '\\.stack'] },
  },
};
