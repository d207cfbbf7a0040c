// Prints one plain closing line after Jest's own summary: "Tests: N passed, N failed[, N skipped]".
// CI systems that read the last line of a run (rather than Jest's "Tests: … total") count from it.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    // A suite that fails to load has no failed *tests*; count it so the line never reads "0 failed".
    const failed = results.numFailedTests + (results.numFailedTests === 0 ? failedSuites : 0);
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed${tail}`;
    // Jest's summary reporter runs after custom reporters; print at exit so this line is the last one.
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
module.exports = ClosingLineReporter;
