// Label and field selectors: the one `Selector` type the store, watch filters and controllers use.
export {
  everythingSelector,
  labelsMatchSelector,
  newRequirement,
  nothingSelector,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromRequirements,
  selectorFromSet,
  type Labels,
  type Operator,
  type Requirement,
  type Selector,
} from './label-selector.js';
export {
  escapeFieldValue,
  parseFieldSelector,
  selectableFields,
  type FieldOperator,
  type FieldRequirement,
  type FieldSelector,
} from './field-selector.js';
