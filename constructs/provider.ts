// The yandex provider block, with the real provider's argument names. Pointing `endpoint` at the
// embedded emulator is what makes a cdktf app run locally; without it, the real cloud is meant.
// Secrets are best left out of the stack file (it is written to disk and often uploaded by CI): the
// provider reads YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE (and YC_ENDPOINT, YC_ORGANIZATION_ID,
// YC_CLOUD_ID, YC_FOLDER_ID, YC_ZONE) from terraform's environment when the argument is not set.
import { TerraformProvider, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { PROVIDER_SOURCES, PROVIDER_VERSIONS } from "../src/resources/registry.js";
import { writeLockFileAtSynth } from "./provider-lock.js";
import { propNames, rejectUnknownProps } from "./strict-props.js";

export interface YandexProviderProps {
  /**
   * API endpoint (host:port), e.g. the embedded cloud's "127.0.0.1:9443".
   * @default - the real cloud's api.cloud.yandex.net:443
   */
  readonly endpoint?: string;
  /**
   * An OAuth or IAM token. Prefer an environment variable to a literal: it ends up in cdk.tf.json.
   * @default - not set (use serviceAccountKeyFile or the environment)
   */
  readonly token?: string;
  /**
   * Path to a service account authorized key JSON file.
   * @default - not set
   */
  readonly serviceAccountKeyFile?: string;
  /**
   * Organization used when a resource omits organization_id.
   * @default - not set
   */
  readonly organizationId?: string;
  /**
   * Cloud used when a resource omits cloud_id.
   * @default - not set
   */
  readonly cloudId?: string;
  /**
   * Folder used when a resource omits folder_id.
   * @default - not set
   */
  readonly folderId?: string;
  /**
   * Zone used when a resource omits zone.
   * @default - not set
   */
  readonly zone?: string;
  /**
   * Path of a PEM certificate to trust for the endpoint (an oslogin-kit extension), e.g. `oslogin
   * serve`'s <data-dir>/tls/cert.pem: the emulator's certificate is self-signed.
   * @default - not set: the endpoint must present a certificate trusted otherwise (or insecure)
   */
  readonly rootCerts?: string;
  /**
   * Skip verifying the endpoint's TLS certificate (trust whatever it presents).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Talk to the endpoint without TLS. The embedded cloud always uses TLS, so it refuses this.
   * @default false
   */
  readonly plaintext?: boolean;
  /**
   * Retries of a failed API call (accepted for compatibility with the real provider).
   * @default - the provider's default
   */
  readonly maxRetries?: number;
  /**
   * The provider version terraform must use. The default is the one `oslogin terraform setup`
   * mirrors; pin another only with a mirror (or registry) that serves it.
   * @default - PROVIDER_VERSIONS.yandex ("0.150.0")
   */
  readonly version?: string;
  /**
   * Alias, for a second configuration of the same provider.
   * @default - the default provider configuration
   */
  readonly alias?: string;
}

const PROVIDER_PROPS = propNames<YandexProviderProps>()(
  "endpoint",
  "token",
  "serviceAccountKeyFile",
  "organizationId",
  "cloudId",
  "folderId",
  "zone",
  "rootCerts",
  "insecure",
  "plaintext",
  "maxRetries",
  "version",
  "alias",
);

export class YandexProvider extends TerraformProvider {
  static readonly tfResourceType = "yandex";

  constructor(
    scope: Construct,
    id: string,
    private readonly props: YandexProviderProps = {},
  ) {
    super(scope, id, {
      terraformResourceType: "yandex",
      terraformProviderSource: PROVIDER_SOURCES.yandex,
      terraformGeneratorMetadata: { providerName: "yandex", providerVersion: props.version ?? PROVIDER_VERSIONS.yandex },
    });
    this.alias = props.alias;
    // A misspelled argument (rootCert, serviceAccountKey) would otherwise be dropped and the
    // provider would quietly fall back to its defaults: the real cloud, or an untrusted endpoint.
    rejectUnknownProps(this, props, PROVIDER_PROPS);
    writeLockFileAtSynth(TerraformStack.of(this));
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const p = this.props;
    return {
      endpoint: p.endpoint,
      token: p.token,
      service_account_key_file: p.serviceAccountKeyFile,
      organization_id: p.organizationId,
      cloud_id: p.cloudId,
      folder_id: p.folderId,
      zone: p.zone,
      root_certs: p.rootCerts,
      insecure: p.insecure,
      plaintext: p.plaintext,
      max_retries: p.maxRetries,
      alias: this.alias,
    };
  }
}
