// kubefedctl preview's pure engine: read inputs, compute what KubeFed would write, render it.
export { previewFederation, targetRef } from './engine.js';
export { parseClusterFlag, readPreviewInputs, type ReadPreviewInputsOptions } from './inputs.js';
export type {
  Explanation,
  FederatedObject,
  KubeFedFailureReason,
  KubeFedScope,
  KubeFedSettings,
  LiveLookup,
  LiveState,
  MemberCluster,
  PreviewAction,
  PreviewClusterResult,
  PreviewError,
  PreviewInputs,
  PreviewItem,
  PreviewOptions,
  PreviewResult,
  SourceRef,
  TargetRef,
  TypeConfig,
} from './model.js';
export {
  PREVIEW_OUTPUT_FORMATS,
  type PreviewOutputFormat,
  type RenderOptions,
  previewExitCode,
  renderClusterStreams,
  renderPreview,
  renderPreviewErrors,
  renderPreviewExplain,
  renderPreviewJson,
  renderPreviewNames,
  renderPreviewYaml,
  selectClusters,
} from './render.js';
export { restrictToSources, sourceKey, warnItems } from './result.js';
export { RSP_TARGET_KINDS } from './rsp.js';
export { SCHEDULING_GROUP, toTypeConfig } from './inputs.js';
