import { describe, expect, it } from 'vitest';
import { closingLine, countTests } from '../../src/closing-line-reporter.ts';

type State = 'passed' | 'failed' | 'skipped' | 'pending';

function moduleOf(states: State[], options: { loadError?: boolean; brokenSuites?: number } = {}) {
  return {
    errors: () => (options.loadError ? [{ message: 'Transform failed' }] : []),
    children: {
      *allTests() {
        for (const state of states) yield { result: () => ({ state }) };
      },
      *allSuites() {
        for (let i = 0; i < (options.brokenSuites ?? 0); i++) yield { errors: () => [{ message: 'beforeAll failed' }] };
        yield { errors: () => [] };
      },
    },
  } as unknown as Parameters<typeof countTests>[0][number];
}

describe('the closing-line reporter', () => {
  it('when modules end with passed, failed, skipped and pending tests, then each is counted and a pending one counts as failed', () => {
    const counts = countTests([moduleOf(['passed', 'passed', 'skipped']), moduleOf(['failed', 'pending', 'passed'])]);
    expect(counts).toEqual({ passed: 3, failed: 2, skipped: 1 });
  });

  it('when printed, then it is the plain "N passed, N failed, N skipped" line behind one word and a colon', () => {
    const line = closingLine({ passed: 1022, failed: 0, skipped: 0 });
    expect(line).toBe('tests: 1022 passed, 0 failed, 0 skipped');
    expect(line).toMatch(/^\w+: \d+ passed, \d+ failed(, \d+ skipped)?$/);
  });

  it('when a file cannot load, a suite hook fails or an error escapes the tests, then each counts as failed', () => {
    const counts = countTests([moduleOf([], { loadError: true }), moduleOf(['passed'], { brokenSuites: 1 })], 2);
    expect(counts).toEqual({ passed: 1, failed: 4, skipped: 0 });
  });

  it('when nothing ran, then the line says 0 passed, so a run without tests cannot look green', () => {
    expect(closingLine(countTests([]))).toBe('tests: 0 passed, 0 failed, 0 skipped');
  });
});
