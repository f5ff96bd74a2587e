/** The secret scanner: rules, the layer visitor, the image-level findings, and `--secret-config`. */
export { secretFindings } from './assemble.js';
export { displayConfig, displayModel, maskSecretsIn } from './display.js';
export { defaultSecretConfig, loadSecretConfig, type SecretConfig } from './config.js';
export { secretRule, secretRules } from './registry.js';
export { secretVisitor } from './visitor.js';
