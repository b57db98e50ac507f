// Patch types the API server accepts for PATCH (and `kubectl apply`): JSON merge patch,
// JSON Patch, strategic merge patch, and the three-way patch `kubectl apply` computes.
export { applyMergePatch, createMergePatch, jsonEqual } from './merge-patch.js';
export { applyJsonPatch, parseJsonPointer, type JsonPatchOperation } from './json-patch.js';
export { applyStrategicMergePatch, createStrategicMergePatch } from './strategic-merge.js';
export { createThreeWayMergePatch } from './three-way.js';
export { patchSchemaFor, type FieldPatchMeta, type PatchSchema, type PatchStrategy } from './merge-keys.js';
