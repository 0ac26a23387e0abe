
type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

/**
 * Prints the plain closing line "N passed, N failed, N skipped" that CI reads; vitest's own
 * summary is a table CI does not recognise.
 */
export default class SummaryReporter {
  onFinished(files: Task[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const walk = (t: Task): void => {
      if (t.type === 'test') {
        const state = t.result?.state;
        if (state === 'pass') count.passed++;
        else if (state === 'fail') count.failed++;
        else count.skipped++;
      }
      t.tasks?.forEach(walk);
    };
    files.forEach(walk);
    // A file that failed to load has no tests but must still count as a failure.
    for (const f of files) if (f.result?.state === 'fail' && !f.tasks?.length) count.failed++;
    process.stdout.write(`\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
