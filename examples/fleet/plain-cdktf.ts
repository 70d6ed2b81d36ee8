// The synth benchmark's baseline (bench/synth): the same fleet (same resource types, attributes, references and construct tree)
// written with bare cdktf TerraformResource subclasses, with no schema, no conversion and no
// validation. Synth time of our constructs minus this is the overhead our users pay.
import { TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { fleetSshPublicKey } from "./ssh-key.js";

class PlainProvider extends TerraformProvider {
  constructor(scope: Construct, id: string, private readonly attrs: Record<string, unknown>) {
    super(scope, id, { terraformResourceType: "yandex", terraformProviderSource: "yandex-cloud/yandex" });
  }
  protected synthesizeAttributes() {
    return this.attrs;
  }
}

class Plain extends TerraformResource {
  constructor(scope: Construct, id: string, type: string, private readonly attrs: Record<string, unknown>, dependsOn?: TerraformResource[]) {
    super(scope, id, { terraformResourceType: type, dependsOn });
  }
  protected synthesizeAttributes() {
    return this.attrs;
  }
}

export class PlainFleetStack extends TerraformStack {
  constructor(scope: Construct, id: string, size: number, authorizedKeyEvery = 100) {
    super(scope, id);
    new PlainProvider(this, "yandex", { organization_id: "bpfquickstartorg0001", folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" });
    const org = new Construct(this, "org");
    const settings = new Plain(org, "settings", "yandex_organizationmanager_os_login_settings", {
      organization_id: "bpfquickstartorg0001",
      ssh_certificate_settings: { enabled: true },
      user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true },
    });
    for (let i = 0; i < size; i++) {
      const n = String(i).padStart(5, "0");
      const saScope = new Construct(this, `sa-${n}`);
      const sa = new Plain(saScope, "account", "yandex_iam_service_account", { name: `fleet-sa-${n}` });
      const saId = sa.getStringAttribute("id");
      new Plain(
        saScope,
        "profile",
        "yandex_organizationmanager_os_login_profile",
        { organization_id: "bpfquickstartorg0001", subject_id: saId, login: `yc-sa-fleet-sa-${n}`, uid: 100000 + i, is_default: true },
        [settings],
      );
      if (i % authorizedKeyEvery === 0) {
        new Plain(saScope, "authorized-key", "yandex_iam_service_account_key", {
          service_account_id: saId,
          description: `authorized key of fleet-sa-${n} (OS Login certificates)`,
        });
      } else {
        new Plain(
          saScope,
          "ssh-key",
          "yandex_organizationmanager_user_ssh_key",
          { organization_id: "bpfquickstartorg0001", subject_id: saId, data: fleetSshPublicKey(`fleet-sa-${n}`), name: `fleet-sa-${n}-ssh` },
          [settings],
        );
      }
      const vmScope = new Construct(this, `vm-${n}`);
      const vm = new Plain(vmScope, "vm", "yandex_compute_instance", {
        name: `fleet-vm-${n}`,
        platform_id: "standard-v3",
        labels: { fleet: "bench" },
        metadata: { "enable-oslogin": "true" },
        resources: { cores: 2, memory: 2, core_fraction: 20 },
        boot_disk: { initialize_params: { image_id: "fd8quickstartoslogin", size: 10 } },
        network_interface: [{ subnet_id: "e9bquickstartsubnet1", nat: false }],
        serial_port_settings: { ssh_authorization: "OS_LOGIN" },
      });
      new Plain(vmScope, `osLogin-sa-${n}`, "yandex_compute_instance_iam_member", {
        instance_id: vm.getStringAttribute("id"),
        role: "compute.osLogin",
        member: `serviceAccount:${saId}`,
      });
    }
  }
}
