// Names join and unjoin give the objects they manage, and the rules those names must follow.

export function serviceAccountName(clusterName: string, hostName: string): string {
  return `${clusterName}-${hostName}`;
}

export function roleName(serviceAccount: string): string {
  return `kubefed-controller-manager:${serviceAccount}`;
}

export function healthCheckRoleName(serviceAccount: string, namespace: string): string {
  return `kubefed-controller-manager:${namespace}:healthcheck-${serviceAccount}`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain as Kubernetes validates object names: problems, or [] when valid. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 253) problems.push('must be no more than 253 characters');
  if (!value.split('.').every((part) => DNS1123_LABEL.test(part))) {
    problems.push("must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  return problems;
}

/**
 * A valid resource-name fragment derived from a context name such as
 * `arn:aws:eks:eu-west-1:123456789012:cluster/prod` (→ `prod`) or `gke_proj_europe-west1_prod` (→ `prod`).
 */
export function suggestResourceName(contextName: string): string {
  const lastSegment = contextName.split(/[/:]/).filter(Boolean).pop() ?? contextName;
  const gke = /^gke_[^_]+_[^_]+_(.+)$/.exec(contextName);
  const base = gke ? gke[1]! : lastSegment;
  const sanitized = base
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return sanitized.slice(0, 63) || 'host';
}

export function isLoopbackEndpoint(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
