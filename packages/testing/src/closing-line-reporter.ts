import type { Reporter, TestModule } from 'vitest/node';

/** What the run's tests came to, by the state each ended in. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts every test case of the modules by its final state; a test still pending counts as failed (it never
 * finished), and so does each file or suite that failed outside its tests (a syntax error, a failing
 * beforeAll) and each unhandled error: a run whose files could not even load must not read "0 failed".
 */
export function countTests(modules: ReadonlyArray<Pick<TestModule, 'children' | 'errors'>>, unhandledErrors = 0): TestCounts {
  const counts: TestCounts = { passed: 0, failed: unhandledErrors, skipped: 0 };
  for (const module of modules) {
    if (module.errors().length > 0) counts.failed += 1;
    for (const suite of module.children.allSuites()) if (suite.errors().length > 0) counts.failed += 1;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed += 1;
      else if (state === 'skipped') counts.skipped += 1;
      else counts.failed += 1;
    }
  }
  return counts;
}

/** The plain closing line CI readers understand in any language: `tests: N passed, N failed, N skipped`. */
export function closingLine(counts: TestCounts): string {
  return `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/**
 * Ends every vitest run with one plain line of counts, after vitest's own summary. Some tools a test runs print
 * closing lines of their own (Schemathesis ends with pytest's `=== N warnings in Ns ===`); a log reader that takes
 * the last such line must find the run's real counts, not a child tool's.
 */
export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    process.stdout.write(`\n${closingLine(countTests(modules, unhandledErrors.length))}\n`);
  }
}
