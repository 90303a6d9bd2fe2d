// The plan of federate --contents as a person at a terminal sees it when it is long: one row per
// type and action, with counts (the full list is one row per object).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summarizePlanRows } from '../../src/run/federate-online.js';

describe('summarizePlanRows', () => {
  test('counts rows per type and plan, in the order they first appear, counts right-aligned with separators', () => {
    const rows: Array<[string, string, string]> = [
      ['namespaces', 'big', 'federate as FederatedNamespace'],
      ...Array.from({ length: 2100 }, (_, i): [string, string, string] => ['configmaps', `c-${i}`, 'federate as FederatedConfigMap']),
      ['secrets', 's-1', 'federate as FederatedSecret'],
      ['configmaps', 'kube-root-ca.crt', 'skipped: created by Kubernetes in every namespace'],
      ['configmaps', 'c-x', 'federate as FederatedConfigMap'],
    ];
    assert.deepEqual(summarizePlanRows(rows), [
      ['namespaces', '    1', 'federate as FederatedNamespace'],
      ['configmaps', '2,101', 'federate as FederatedConfigMap'],
      ['secrets', '    1', 'federate as FederatedSecret'],
      ['configmaps', '    1', 'skipped: created by Kubernetes in every namespace'],
    ]);
  });
});
