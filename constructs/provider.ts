// The yandex provider block, with the real provider's argument names. Pointing `endpoint` at the
// embedded emulator is what makes a cdktf app run locally; without it, the real cloud is meant.
import { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { PROVIDER_SOURCES } from "../src/resources/registry.js";

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
   * Alias, for a second configuration of the same provider.
   * @default - the default provider configuration
   */
  readonly alias?: string;
}

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
      terraformGeneratorMetadata: { providerName: "yandex" },
    });
    this.alias = props.alias;
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
      alias: this.alias,
    };
  }
}
