import { describe, it, expect } from 'vitest';
import {
  documentHash,
  kindSchemaName,
  openapiName,
  openapiV2,
  openapiV3Document,
  openapiV3Hash,
  openapiV3Index,
} from '../../../src-main/server/api/openapi.js';
import { KINDS, apiVersionOf } from '../../../src-main/engine/api/registry.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every `$ref` string anywhere in `value`. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

const v3 = (path: string): Obj => {
  const doc = openapiV3Document(path);
  if (!doc) throw new Error(`no document ${path}`);
  return doc as Obj;
};

describe('model names', () => {
  it('maps client-node models to the names the API server uses', () => {
    expect(openapiName('V1Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(openapiName('V1ObjectMeta')).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(openapiName('V1LabelSelector')).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
    expect(openapiName('CoreV1Event')).toBe('io.k8s.api.core.v1.Event');
    expect(openapiName('V1PodSpec')).toBe('io.k8s.api.core.v1.PodSpec');
    expect(openapiName('V1DaemonEndpoint')).toBe('io.k8s.api.core.v1.DaemonEndpoint');
    expect(openapiName('V1ScaleIOVolumeSource')).toBe('io.k8s.api.core.v1.ScaleIOVolumeSource');
    expect(openapiName('V1Scale')).toBe('io.k8s.api.autoscaling.v1.Scale');
    expect(openapiName('V1JobTemplateSpec')).toBe('io.k8s.api.batch.v1.JobTemplateSpec');
    expect(openapiName('V1ServiceBackendPort')).toBe('io.k8s.api.networking.v1.ServiceBackendPort');
    expect(openapiName('V1LeaseSpec')).toBe('io.k8s.api.coordination.v1.LeaseSpec');
    expect(openapiName('V2MetricSpec')).toBe('io.k8s.api.autoscaling.v2.MetricSpec');
    expect(kindSchemaName('autoscaling', 'v1', 'HorizontalPodAutoscaler')).toBe(
      'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
    );
  });
});

describe('/openapi/v3 index', () => {
  it('lists a document per group version plus the discovery roots, each URL carrying its hash', () => {
    const { paths } = openapiV3Index();
    for (const key of ['api', 'apis', 'api/v1', 'apis/apps/v1', 'apis/autoscaling/v2', 'apis/autoscaling/v1']) {
      expect(paths[key], key).toBeDefined();
    }
    const url = paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(url.endsWith(openapiV3Hash('apis/apps/v1')!)).toBe(true);
  });

  it('hashes a document stably, so its URL can be cached as immutable', () => {
    const doc = v3('apis/apps/v1');
    expect(documentHash(doc)).toBe(openapiV3Hash('apis/apps/v1'));
    expect(documentHash(JSON.parse(JSON.stringify(doc)))).toBe(openapiV3Hash('apis/apps/v1'));
    expect(openapiV3Hash('api/v1')).not.toBe(openapiV3Hash('apis/apps/v1'));
  });

  it('answers undefined for a document it does not have, and tolerates slashes', () => {
    expect(openapiV3Document('apis/example.com/v1')).toBeUndefined();
    expect(openapiV3Document('/apis/apps/v1')).toBe(openapiV3Document('apis/apps/v1'));
  });
});

describe('/openapi/v3 documents', () => {
  it('resolves every $ref of every document to a schema the document defines', () => {
    for (const key of Object.keys(openapiV3Index().paths)) {
      const doc = v3(key);
      expect(doc.openapi).toBe('3.0.0');
      for (const r of refs(doc)) {
        expect(r.startsWith('#/components/schemas/'), `${key}: ${r}`).toBe(true);
        expect(doc.components.schemas[r.slice('#/components/schemas/'.length)], `${key}: ${r}`).toBeDefined();
      }
    }
  });

  it('offers fieldValidation, dryRun, fieldManager and force on the Deployment PATCH, as kubectl checks', () => {
    // k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go: a PATCH operation whose
    // x-kubernetes-group-version-kind is the kind, with a query parameter named fieldValidation.
    const patch = v3('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    const params = patch.parameters.filter((p: Obj) => p.in === 'query').map((p: Obj) => p.name);
    expect(params).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']));
    expect(Object.keys(patch.requestBody.content)).toEqual(
      expect.arrayContaining(['application/strategic-merge-patch+json', 'application/apply-patch+yaml']),
    );
    expect(patch.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment',
    });
  });

  it('lists fieldValidation on every PATCH of every served kind', () => {
    for (const info of KINDS) {
      for (const version of [info.version, ...(info.alsoServedAs ?? [])]) {
        const key = info.group ? `apis/${info.group}/${version}` : `api/${version}`;
        const patches = Object.values(v3(key).paths)
          .map((item) => (item as Obj).patch)
          .filter((op) => op && op['x-kubernetes-group-version-kind'].kind === info.kind);
        expect(patches.length, `${apiVersionOf(info, version)} ${info.kind}`).toBeGreaterThan(0);
        for (const op of patches) {
          expect(
            op.parameters.map((p: Obj) => p.name),
            op.operationId,
          ).toContain('fieldValidation');
        }
      }
    }
  });

  it('has create, list, read, replace, delete and deletecollection operations with Kubernetes operation ids', () => {
    const paths = v3('apis/apps/v1').paths;
    const collection = paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
    expect(collection.get.operationId).toBe('listAppsV1NamespacedDeployment');
    expect(collection.get.parameters.map((p: Obj) => p.name)).toEqual(
      expect.arrayContaining(['labelSelector', 'fieldSelector', 'watch', 'resourceVersion', 'limit', 'continue']),
    );
    expect(collection.post.operationId).toBe('createAppsV1NamespacedDeployment');
    expect(collection.post.parameters.map((p: Obj) => p.name)).toEqual(
      expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']),
    );
    expect(collection.post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/io.k8s.api.apps.v1.Deployment',
    );
    expect(collection.delete['x-kubernetes-action']).toBe('deletecollection');
    expect(collection.parameters.map((p: Obj) => p.name)).toEqual(['namespace', 'pretty']);
    const item = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.get.operationId).toBe('readAppsV1NamespacedDeployment');
    expect(item.put.operationId).toBe('replaceAppsV1NamespacedDeployment');
    expect(item.put.parameters.map((p: Obj) => p.name)).toContain('fieldValidation');
    expect(item.delete.parameters.map((p: Obj) => p.name)).toEqual(
      expect.arrayContaining(['propagationPolicy', 'gracePeriodSeconds', 'dryRun']),
    );
    expect(paths['/apis/apps/v1/deployments'].get.operationId).toBe('listAppsV1DeploymentForAllNamespaces');
  });

  it('describes the scale subresource with the autoscaling/v1 Scale kind', () => {
    const scale = v3('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      kind: 'Scale',
      version: 'v1',
    });
    expect(scale.get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/io.k8s.api.autoscaling.v1.Scale',
    );
  });

  it('describes cluster-scoped kinds without a namespace and pod logs as text', () => {
    const paths = v3('api/v1').paths;
    expect(paths['/api/v1/nodes/{name}'].get.operationId).toBe('readCoreV1Node');
    expect(paths['/api/v1/namespaces/{name}/finalize'].put).toBeDefined();
    const log = paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get;
    expect(log.parameters.map((p: Obj) => p.name)).toEqual(
      expect.arrayContaining(['container', 'follow', 'tailLines']),
    );
    expect(log.responses['200'].content['text/plain'].schema).toEqual({ type: 'string' });
    const exec = paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'];
    expect(exec.post['x-kubernetes-action']).toBe('connect');
    expect(
      paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post.requestBody.content['application/json'].schema
        .$ref,
    ).toBe('#/components/schemas/io.k8s.api.policy.v1.Eviction');
  });

  it('types Deployment containers as a list of core/v1 Container merged by name', () => {
    const schemas = v3('apis/apps/v1').components.schemas;
    const deployment = schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    const resolve = (s: Obj): Obj => schemas[(s.$ref ?? s.allOf[0].$ref).split('/').pop()];
    const spec = resolve(deployment.properties.spec);
    const template = resolve(spec.properties.template);
    const podSpec = resolve(template.properties.spec);
    const containers = podSpec.properties.containers;
    expect(containers).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(podSpec.required).toEqual(['containers']);
    // Upstream requires only the container name: image may be defaulted by higher-level tooling.
    expect(schemas['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(schemas['io.k8s.api.core.v1.Container'].properties.env['x-kubernetes-patch-merge-key']).toBe('name');
    expect(spec.properties.strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy']).toBe(
      'merge,retainKeys',
    );
  });

  it('describes ObjectMeta with labels as a string map and no required name', () => {
    const meta = v3('apis/apps/v1').components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
    expect(meta.properties.labels).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(meta.properties.creationTimestamp).toEqual({
      $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time',
    });
    expect(meta.properties.ownerReferences['x-kubernetes-patch-merge-key']).toBe('uid');
    expect(meta.required).toBeUndefined();
  });

  it('names the leaf types as Kubernetes does', () => {
    const schemas = v3('api/v1').components.schemas;
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({
      type: 'string',
      format: 'int-or-string',
    });
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ type: 'string' });
    expect(schemas['io.k8s.api.core.v1.ResourceRequirements'].properties.limits.additionalProperties.$ref).toBe(
      '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity',
    );
    expect(schemas['io.k8s.api.core.v1.PodList']['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'PodList', version: 'v1' },
    ]);
  });
});

describe('/openapi/v2', () => {
  const doc = openapiV2() as Obj;

  it('is swagger 2.0 whose every $ref resolves to a definition', () => {
    expect(doc.swagger).toBe('2.0');
    for (const r of refs(doc)) {
      expect(r.startsWith('#/definitions/'), r).toBe(true);
      expect(doc.definitions[r.slice('#/definitions/'.length)], r).toBeDefined();
    }
  });

  it('describes the Deployment PATCH with a body parameter and the query parameters kubectl looks for', () => {
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    const names = patch.parameters.map((p: Obj) => `${p.in}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'body:body',
        'query:fieldValidation',
        'query:dryRun',
        'query:fieldManager',
        'query:force',
      ]),
    );
    expect(patch.responses['200'].schema).toEqual({ $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' });
  });

  it('has the paths of every group version', () => {
    expect(doc.paths['/api/v1/namespaces/{namespace}/pods']).toBeDefined();
    expect(doc.paths['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers']).toBeDefined();
    expect(doc.paths['/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers']).toBeDefined();
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment'].properties.spec).toEqual({
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec',
    });
  });
});
