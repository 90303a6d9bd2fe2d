// What `enable` is asked to enable: the type and the federated group/version, from the command
// line or a directive file. Apart from type-config.ts so that registering the command (which
// fills in the defaults) loads no YAML code.

import { FEDERATED_GROUP, FEDERATED_VERSION } from './constants.js';

export interface EnableTypeDirective {
  /** The target type's name as `enable NAME` takes it (metadata.name in a file). */
  name: string;
  targetVersion: string;
  federatedGroup: string;
  federatedVersion: string;
}

export function defaultEnableTypeDirective(name = ''): EnableTypeDirective {
  return { name, targetVersion: '', federatedGroup: FEDERATED_GROUP, federatedVersion: FEDERATED_VERSION };
}
