// kubectl's table layout and age format, which get and status print.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ageSince, humanDuration } from '../../src/core/age.js';
import { clusterReadiness, tlsMode } from '../../src/core/clusters-table.js';
import { renderTable } from '../../src/core/table.js';

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  for (const [ms, expected] of [
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [1500, '1s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [121 * s, '2m1s'],
    [10 * m - 1, '9m59s'],
    [10 * m, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + 30 * m, '3h30m'],
    [8 * h - 1, '7h59m'],
    [8 * h, '8h'],
    [48 * h - 1, '47h'],
    [48 * h, '2d'],
    [50 * h, '2d2h'],
    [8 * d - 1, '7d23h'],
    [8 * d, '8d'],
    [730 * d - 1, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [8 * 365 * d - 1, '7y364d'],
    [8 * 365 * d, '8y'],
    [20 * 365 * d + 100 * d, '20y'],
  ] as Array<[number, string]>) {
    test(`${ms} ms is ${expected}`, () => assert.equal(humanDuration(ms), expected));
  }
  test('ages of timestamps, <unknown> without one', () => {
    const now = Date.parse('2024-01-02T00:00:00Z');
    assert.equal(ageSince('2024-01-01T00:00:00Z', now), '24h');
    assert.equal(ageSince(undefined, now), '<unknown>');
    assert.equal(ageSince('yesterday', now), '<unknown>');
  });
});

describe('renderTable (cli-runtime tabwriter: minwidth 6, padding 3)', () => {
  test('columns are their widest cell plus three, at least six; the last is not padded', () => {
    assert.equal(
      renderTable(
        ['NAME', 'A', 'LAST'],
        [
          ['x', 'yy', 'z'],
          ['longer-name', '', 'last cell'],
        ],
      ),
      'NAME          A     LAST\nx             yy    z\nlonger-name         last cell\n',
    );
  });
  test('without a header, only the rows set the widths', () => {
    assert.equal(renderTable(undefined, [['a', 'b']]), 'a     b\n');
  });
  test('an empty table is empty', () => assert.equal(renderTable(undefined, []), ''));
  test('another layout: minwidth 0, padding 2 (the plan of federate --contents)', () => {
    assert.equal(renderTable(['TYPE', 'NAME'], [['a', 'bb']], { minWidth: 0, padding: 2 }), 'TYPE  NAME\na     bb\n');
  });
  test('widths count characters, not UTF-16 units', () => {
    assert.equal(renderTable(['N', 'X'], [['\u{1F600}\u{1F600}\u{1F600}\u{1F600}', 'y']]), 'N      X\n\u{1F600}\u{1F600}\u{1F600}\u{1F600}   y\n');
  });
});

describe('cluster readiness (never blank)', () => {
  const cluster = (conditions: unknown[] | undefined) => ({
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name: 'c' },
    ...(conditions ? { status: { conditions } } : {}),
  });
  for (const [label, conditions, expected] of [
    ['Ready=True', [{ type: 'Ready', status: 'True' }], 'True'],
    [
      'Ready=False with Offline=False',
      [
        { type: 'Ready', status: 'False' },
        { type: 'Offline', status: 'False' },
      ],
      'False',
    ],
    ['only Offline=True (unreachable)', [{ type: 'Offline', status: 'True' }], 'False'],
    ['only ConfigMalformed=True', [{ type: 'ConfigMalformed', status: 'True' }], 'False'],
    ['Ready=Unknown', [{ type: 'Ready', status: 'Unknown' }], 'Unknown'],
    ['Offline=False alone', [{ type: 'Offline', status: 'False' }], 'Unknown'],
    ['no status (never probed)', undefined, 'Unknown'],
  ] as Array<[string, unknown[] | undefined, string]>) {
    test(`${label}: ${expected}`, () => assert.equal(clusterReadiness(cluster(conditions)).ready, expected));
  }
  test('TLS: insecure, skipped checks, CA bundle, system CAs', () => {
    assert.equal(tlsMode({ disabledTLSValidations: ['*'], caBundle: 'eA==' }), 'insecure');
    assert.equal(tlsMode({ disabledTLSValidations: ['ValidityPeriod'], caBundle: 'eA==' }), 'skip:ValidityPeriod');
    assert.equal(tlsMode({ caBundle: 'eA==' }), 'ca-bundle');
    assert.equal(tlsMode({}), 'system-ca');
  });
});
