// The throughput floor: what any YAML-in/YAML-out tool must do at least, js-yaml parsing the
// stream and dumping each document once.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const text = readFileSync(process.argv[2], 'utf8');
const out = [];
for (const doc of yaml.loadAll(text)) out.push(`---\n${yaml.dump(doc)}`);
process.stdout.write(out.join(''));
