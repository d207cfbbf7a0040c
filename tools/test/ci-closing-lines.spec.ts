import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// CI judges a run by the closing lines of the test runners it knows (pytest among them) and by a plain
// "N passed, N failed" line. Schemathesis prints pytest-style banners; read as pytest, they say no test ran.
const pytestClosingLine = /^=+ .* in [\d.]+s =+$/;
const libSh = join(__dirname, '..', 'lib.sh');

function throughFilter(text: string, exitCode = 0): { lines: string[]; status: number | null } {
  const script = `source "${libSh}"; (printf '%s' "$1"; exit ${exitCode}) | without_pytest_banners`;
  const run = spawnSync('bash', ['-c', script, 'filter', text], { encoding: 'utf8' });
  return { lines: run.stdout.split('\n').filter((line) => line !== ''), status: run.status };
}

describe('without_pytest_banners (tools/lib.sh)', () => {
  const schemathesisTail = [
    '=================================== SUMMARY ====================================',
    'Test cases:',
    '  67 generated, 67 passed, 4 skipped',
    '============================== 1 warning in 4.16s ==============================',
    '=========================== No issues found in 4.36s ===========================',
    '',
  ].join('\n');

  it('leaves no line CI would read as a pytest run without tests, and keeps the words', () => {
    const { lines } = throughFilter(schemathesisTail);
    expect(lines.filter((line) => pytestClosingLine.test(line))).toEqual([]);
    expect(lines).toEqual([
      '-- SUMMARY --',
      'Test cases:',
      '  67 generated, 67 passed, 4 skipped',
      '-- 1 warning in 4.16s --',
      '-- No issues found in 4.36s --',
    ]);
  });

  it("keeps schemathesis' exit status (the script runs with pipefail)", () => {
    expect(throughFilter('=== 1 failed in 2.00s ===\n', 3).status).toBe(3);
  });
});
