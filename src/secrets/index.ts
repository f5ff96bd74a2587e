/** The secret scanner: rules, the layer visitor, the image-level findings, and `--secret-config`. */
export { secretFindings, type SecretFindingOptions } from './assemble.js';
export { displayConfig, displayModel, maskSecretsIn } from './display.js';
export { defaultSecretConfig, loadSecretConfig, parseSecretConfig, type SecretConfig } from './config.js';
export { enabledSecretRules, secretRule, secretRules } from './registry.js';
export { scanContent, type ScanContentOptions } from './scan-file.js';
export type { SecretMatch, SecretRule, SecretScope } from './types.js';
export { defaultMaxFileBytes, secretVisitor, secretVisitorId, type SecretFileOutput, type SecretVisitorOptions } from './visitor.js';
