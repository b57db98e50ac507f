// Generates k8s-schema.json from the runtime type maps that @kubernetes/client-node's generated
// models carry (`V1DeploymentSpec.attributeTypeMap`). Those maps come from the Kubernetes OpenAPI
// document, so the schema follows the served API's field names and types.
//
// Run once after upgrading @kubernetes/client-node:  npx tsx src-main/engine/api/schema/generate.ts
//
// Output shape (type expressions are short strings, to keep the file small):
//   { "kinds": { "apps/v1/Deployment": "V1Deployment", … },
//     "definitions": { "V1DeploymentSpec": { "replicas": "int32", "selector": "V1LabelSelector",
//                                            "template": "V1PodTemplateSpec" }, … } }
// where a type expression is one of
//   string | int32 | int64 | double | boolean | date | any | intOrString | quantity | byte
//   []T (array of T) | {}T (map from string to T) | a definition name.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The models barrel only: the package root pulls in undici's HTTP stack, which we do not need.
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** The top-level type of every kind served, keyed by `apiVersion/kind`. */
const KINDS: Record<string, string> = {
  'v1/Namespace': 'V1Namespace',
  'v1/Node': 'V1Node',
  'v1/Pod': 'V1Pod',
  'v1/Service': 'V1Service',
  'v1/Endpoints': 'V1Endpoints',
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Secret': 'V1Secret',
  'v1/Event': 'CoreV1Event',
  'v1/PersistentVolumeClaim': 'V1PersistentVolumeClaim',
  'v1/PersistentVolume': 'V1PersistentVolume',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/ReplicaSet': 'V1ReplicaSet',
  'apps/v1/DaemonSet': 'V1DaemonSet',
  'apps/v1/StatefulSet': 'V1StatefulSet',
  'apps/v1/ControllerRevision': 'V1ControllerRevision',
  'batch/v1/Job': 'V1Job',
  'batch/v1/CronJob': 'V1CronJob',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'autoscaling/v1/HorizontalPodAutoscaler': 'V1HorizontalPodAutoscaler',
  'networking.k8s.io/v1/Ingress': 'V1Ingress',
  'networking.k8s.io/v1/IngressClass': 'V1IngressClass',
  'coordination.k8s.io/v1/Lease': 'V1Lease',
  'discovery.k8s.io/v1/EndpointSlice': 'V1EndpointSlice',
  'v1/Status': 'V1Status',
  'v1/DeleteOptions': 'V1DeleteOptions',
  'autoscaling/v1/Scale': 'V1Scale',
};

/**
 * Fields whose Go type is resource.Quantity. OpenAPI calls them plain strings, but the API
 * server's decoder accepts JSON numbers for them too (`cpu: 1`), so they get their own type.
 */
const QUANTITY_FIELDS: Record<string, string[]> = {
  V1ResourceRequirements: ['limits', 'requests'],
  V1VolumeResourceRequirements: ['limits', 'requests'],
  V1PersistentVolumeSpec: ['capacity'],
  V1PersistentVolumeClaimStatus: ['capacity', 'allocatedResources'],
  V1NodeStatus: ['capacity', 'allocatable'],
  V1EmptyDirVolumeSource: ['sizeLimit'],
  V1ResourceFieldSelector: ['divisor'],
  V2MetricTarget: ['averageValue', 'value'],
  V2MetricValueStatus: ['averageValue', 'value'],
  V1PodSpec: ['overhead'],
  V1ContainerStatus: ['allocatedResources'],
};

const registry = models as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>;

function translate(attr: Attribute, owner: string, pending: string[]): string {
  const quantity = QUANTITY_FIELDS[owner]?.includes(attr.baseName);
  const expr = (type: string): string => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return `[]${expr(array[1])}`;
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return `{}${expr(map[1])}`;
    switch (type) {
      case 'string':
        if (quantity) return 'quantity';
        return attr.format === 'byte' ? 'byte' : 'string';
      case 'number':
        return attr.format === 'int32' || attr.format === 'int64' ? attr.format : 'double';
      case 'boolean':
        return 'boolean';
      case 'Date':
      case 'V1MicroTime':
        return 'date';
      case 'any':
        return 'any';
      case 'IntOrString':
        return 'intOrString';
      default:
        if (!registry[type]?.attributeTypeMap) throw new Error(`unknown type ${type} in ${owner}.${attr.baseName}`);
        pending.push(type);
        return type;
    }
  };
  return expr(attr.type);
}

export function generate(): { kinds: Record<string, string>; definitions: Record<string, Record<string, string>> } {
  const definitions: Record<string, Record<string, string>> = {};
  const pending = Object.values(KINDS);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (definitions[name]) continue;
    const attrs = registry[name]?.attributeTypeMap;
    if (!attrs) throw new Error(`no model ${name} in @kubernetes/client-node`);
    const fields: Record<string, string> = {};
    definitions[name] = fields;
    for (const attr of attrs) fields[attr.baseName] = translate(attr, name, pending);
  }
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((k) => [k, definitions[k]]),
  );
  return { kinds: KINDS, definitions: sorted };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'k8s-schema.json');
  const schema = generate();
  // One definition per line: small, and diffs stay readable when client-node is upgraded.
  const lines = Object.entries(schema.definitions).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const text = `{\n  "kinds": ${JSON.stringify(schema.kinds, null, 4).replace(/\n/g, '\n  ')},\n  "definitions": {\n${lines.join(',\n')}\n  }\n}\n`;
  writeFileSync(out, text);
  console.log(`wrote ${Object.keys(schema.definitions).length} definitions to ${out}`);
}
