// metav1.LabelSelectorAsSelector and labels.Requirement.Matches (k8s.io/apimachinery v0.22.2):
// a nil selector matches nothing, an empty one (no matchLabels, no matchExpressions) everything.
// Validation errors carry apimachinery's texts, which KubeFed puts in ComputePlacementFailed.

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: readonly string[] | null | undefined;
}

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>> | null | undefined;
  matchExpressions?: readonly LabelSelectorRequirement[] | null | undefined;
}

type Operator = '=' | 'in' | 'notin' | 'exists' | '!';

interface Requirement {
  key: string;
  operator: Operator;
  values: readonly string[];
}

export type Selector = { kind: 'nothing' } | { kind: 'everything' } | { kind: 'requirements'; requirements: readonly Requirement[] };

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const OPERATORS: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** LabelSelectorAsSelector. matchLabels are checked in key order (Go's map order is random). */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): Selector {
  if (selector === null || selector === undefined) return { kind: 'nothing' };
  const matchLabels = selector.matchLabels ?? {};
  const matchExpressions = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + matchExpressions.length === 0) return { kind: 'everything' };
  const requirements: Requirement[] = [];
  for (const key of Object.keys(matchLabels).sort()) requirements.push(newRequirement(key, '=', [matchLabels[key]!]));
  for (const expression of matchExpressions) {
    const operator = OPERATORS[expression.operator];
    if (operator === undefined) throw new LabelSelectorError(`${goQuote(expression.operator)} is not a valid pod selector operator`);
    requirements.push(newRequirement(expression.key, operator, expression.values ?? []));
  }
  // labels.internalSelector keeps its requirements sorted by key.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { kind: 'requirements', requirements };
}

/** labels.NewRequirement's checks; several problems are reported as one "[a, b]" aggregate. */
function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const problems: string[] = [];
  const keyProblems = qualifiedNameProblems(key);
  if (keyProblems.length > 0) problems.push(`key: Invalid value: ${goQuote(key)}: ${keyProblems.join('; ')}`);
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    problems.push(`values: Invalid value: ${goStringSlice(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if (operator === '=' && values.length !== 1)
    problems.push(`values: Invalid value: ${goStringSlice(values)}: exact-match compatibility requires one single value`);
  if ((operator === 'exists' || operator === '!') && values.length !== 0) {
    problems.push(`values: Invalid value: ${goStringSlice(values)}: values set must be empty for exists and does not exist`);
  }
  values.forEach((value, index) => {
    const valueProblems = labelValueProblems(value);
    if (valueProblems.length > 0) problems.push(`values[${index}][${key}]: Invalid value: ${goQuote(value)}: ${valueProblems.join('; ')}`);
  });
  const unique = [...new Set(problems)];
  if (unique.length === 1) throw new LabelSelectorError(unique[0]!);
  if (unique.length > 1) throw new LabelSelectorError(`[${unique.join(', ')}]`);
  return { key, operator, values };
}

export function selectorMatches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  if (selector.kind === 'nothing') return false;
  if (selector.kind === 'everything') return true;
  return selector.requirements.every((requirement) => requirementMatches(requirement, labels));
}

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case '=':
    case 'in':
      return has && requirement.values.includes(value!);
    case 'notin':
      return !has || !requirement.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
  }
}

/** labels.Selector.String(): "a=b,c in (d,e),!f"; "<nothing>" and "<everything>" for the special ones. */
export function describeSelector(selector: Selector): string {
  if (selector.kind === 'nothing') return '<nothing>';
  if (selector.kind === 'everything') return '<everything>';
  return selector.requirements
    .map(({ key, operator, values }) => {
      const sorted = [...values].sort();
      if (operator === '=') return `${key}=${sorted[0] ?? ''}`;
      if (operator === 'exists') return key;
      if (operator === '!') return `!${key}`;
      return `${key} ${operator} (${sorted.join(',')})`;
    })
    .join(',');
}

// --- k8s.io/apimachinery/pkg/util/validation -------------------------------------------------

const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FORMAT}$`);
const DNS1123_SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);

function regexError(message: string, format: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((example) => `'${example}', `).join(' or ')}regex used for validation is '${format}')`;
}

/** validation.IsQualifiedName: label keys, "[prefix/]name". */
export function qualifiedNameProblems(value: string): string[] {
  const problems: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else problems.push(...dns1123SubdomainProblems(prefix).map((problem) => `prefix part ${problem}`));
  } else {
    return [
      `a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) {
    problems.push(
      `name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return problems;
}

/** validation.IsValidLabelValue. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    problems.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FORMAT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return problems;
}

function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FORMAT,
        'example.com',
      ),
    );
  }
  return problems;
}

/** Go's %q for the strings selectors carry (printable ASCII and common escapes). */
function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** Go's %#v of a []string as LabelSelectorAsSelector passes it (nil when empty). */
function goStringSlice(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}
