import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const services = fileURLToPath(new URL('../../services/', import.meta.url));

/**
 * The use cases of every service's `src/use-cases/`: each `make*` factory and what it returns,
 * by file. Ports, the `*-use-cases.ts` aggregate and helpers shared by use cases (views, pages)
 * declare no `make*` factory.
 */
function factoriesByFile(): Map<string, { name: string; returns: string }[]> {
  const found = new Map<string, { name: string; returns: string }[]>();
  for (const service of readdirSync(services)) {
    const dir = `${services}${service}/src/use-cases/`;
    let files: string[];
    try {
      files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('-use-cases.ts'));
    } catch {
      continue; // a service without a use-case layer (an adapter-only edge)
    }
    for (const file of files) {
      const text = readFileSync(dir + file, 'utf8');
      // A factory's first statement at its own indentation that starts with `return`.
      const factories = [...text.matchAll(/^export (?:async )?function (make\w+)[\s\S]*?^ {2}return (\S+)/gm)].map((m) => ({ name: m[1]!, returns: m[2]! }));
      found.set(`${service}/src/use-cases/${file}`, factories);
    }
  }
  return found;
}

describe('one use case per file', () => {
  const files = factoriesByFile();

  it('when the services are read, then there are use-case files to check', () => {
    expect(files.size).toBeGreaterThan(20);
  });

  it('when a use-case file is read, then it declares at most one factory, and that factory makes one function', () => {
    const offenders = [...files].flatMap(([file, factories]) => {
      if (factories.length > 1) return [`${file}: ${factories.map((f) => f.name).join(', ')}`];
      const [factory] = factories;
      // `return async function name(...)`, `return function`, or an arrow: one callable, not an object of several.
      if (factory && !/^(async|function|\()/.test(factory.returns)) return [`${file}: ${factory.name} returns ${factory.returns}`];
      return [];
    });
    expect(offenders).toEqual([]);
  });
});
