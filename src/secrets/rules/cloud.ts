import type { SecretRule } from '../types.js';
import { layerRationale, refs, rotateRemediation } from './common.js';

/** Cloud provider credentials: AWS, Google Cloud, Azure. */
export const cloudRules: SecretRule[] = [
  {
    meta: {
      id: 'SS-SEC-001',
      title: 'AWS access key id',
      severity: 'CRITICAL',
      rationale: `An AWS access key id identifies a long-lived (AKIA) or temporary (ASIA) AWS credential. ${layerRationale}`,
      remediation: `Deactivate the key in IAM. ${rotateRemediation}`,
      references: refs('https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'),
    },
    scope: 'content',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    // the 4-letter prefix, then 16 upper-case letters and digits
    pattern: /(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Z0-9])/g,
    secretGroup: 1,
    examples: {
      bad: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'export AWS_ACCESS_KEY_ID="ASIAY34FZKBOKMUTVV7A"'],
      good: ['AKIAIOSFODNN7 is too short', 'XAKIAIOSFODNN7EXAMPLEX', 'akiaiosfodnn7example'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-002',
      title: 'AWS secret access key',
      severity: 'CRITICAL',
      rationale: `The secret half of an AWS access key pair signs API requests as its IAM user or role. ${layerRationale}`,
      remediation: `Deactivate the key pair in IAM. ${rotateRemediation}`,
      references: refs('https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'),
    },
    scope: 'content',
    keywords: ['secret'],
    // only next to an AWS-style key name: 40 base64 characters alone are far too common
    pattern:
      /(?:aws[_\-. ]?secret[_\-. ]?(?:access[_\-. ]?)?key(?:[_\-. ]?id)?|secretaccesskey)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    secretGroup: 1,
    examples: {
      bad: [
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
      ],
      good: ['aws_secret_access_key = ${AWS_SECRET}', 'secret = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYTOOLONG', 'aws_secret_access_key ='],
    },
  },
  {
    meta: {
      id: 'SS-SEC-003',
      title: 'Google Cloud service account key',
      severity: 'CRITICAL',
      rationale: `A service account key file holds the account's private key: it authenticates as that account until the key is deleted. ${layerRationale}`,
      remediation: `Delete the key in IAM (gcloud iam service-accounts keys delete). Prefer workload identity to key files. ${rotateRemediation}`,
      references: refs('https://cloud.google.com/iam/docs/keys-create-delete'),
    },
    scope: 'content',
    // the file must say it is a service account; the match is its private key
    keywords: ['service_account'],
    pattern: /"private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]{16,})"/g,
    secretGroup: 1,
    examples: {
      bad: [
        '{"type": "service_account", "project_id": "p", "private_key_id": "abc", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}',
      ],
      good: [
        '{"type": "service_account", "private_key": ""}',
        '{"type": "authorized_user", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}',
      ],
    },
  },
  {
    meta: {
      id: 'SS-SEC-004',
      title: 'Azure storage account key',
      severity: 'CRITICAL',
      rationale: `A storage account key (alone or in a connection string) gives full access to every container, queue and table of the account. ${layerRationale}`,
      remediation: `Regenerate the account key in the Azure portal; prefer managed identities or SAS tokens with short expiry. ${rotateRemediation}`,
      references: refs('https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage'),
    },
    scope: 'content',
    keywords: ['accountkey'],
    // 64 random bytes in base64: 86 characters and `==`
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    secretGroup: 1,
    examples: {
      bad: [
        `DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=${'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw'}==;EndpointSuffix=core.windows.net`,
      ],
      good: ['AccountKey=<your-key>', 'AccountKey=${AZURE_KEY}'],
    },
  },
];
