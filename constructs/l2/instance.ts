// OsLoginInstance: a VM whose SSH access follows OS Login. Inside the VM that is the metadata key
// enable-oslogin = "true" (read by the guest agent); for the serial console it is
// serial_port_settings.ssh_authorization = OS_LOGIN. Access is granted per VM with grantLogin /
// grantAdminLogin (compute.osLogin / compute.osAdminLogin bound on the instance).
import { Construct } from "constructs";
import { ENABLE_OSLOGIN_KEY } from "../../src/contract/rules.js";
import { ComputeInstance, type ComputeInstanceTimeouts } from "../l1/compute-instance.js";
import { ComputeInstanceIamMember } from "../l1/compute-instance-iam-member.js";
import { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE, grantId, type IOsLoginPrincipal } from "./principal.js";
import type { OsLoginServiceAccount } from "./service-account.js";
import { propNames, rejectUnknownProps } from "../strict-props.js";

export interface OsLoginInstanceProps {
  /** VM name: lower-case letters, digits, '-' and '_'. */
  readonly name: string;
  /** Subnet of the VM's network interface. */
  readonly subnetId: string;
  /** Boot image (an OS Login-capable image). */
  readonly imageId: string;
  /**
   * Folder of the VM.
   * @default - the provider's folder_id
   */
  readonly folderId?: string;
  /**
   * Availability zone.
   * @default - the provider's zone
   */
  readonly zone?: string;
  /**
   * Hardware platform.
   * @default "standard-v3"
   */
  readonly platformId?: string;
  /**
   * vCPUs.
   * @default 2
   */
  readonly cores?: number;
  /**
   * Memory in GB.
   * @default 2
   */
  readonly memory?: number;
  /**
   * Guaranteed vCPU share in percent.
   * @default 20
   */
  readonly coreFraction?: number;
  /**
   * Boot disk size in GB.
   * @default 10
   */
  readonly diskSize?: number;
  /**
   * A public IPv4 address (one-to-one NAT).
   * @default true
   */
  readonly nat?: boolean;
  /**
   * Serial console SSH authorization.
   * @default "OS_LOGIN"
   */
  readonly sshAuthorization?: "OS_LOGIN" | "INSTANCE_METADATA";
  /**
   * Extra metadata; enable-oslogin is always "true" (set it here to "false" to turn OS Login off).
   * @default - only enable-oslogin
   */
  readonly metadata?: { readonly [key: string]: string };
  /**
   * Labels.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * The service account the VM acts as.
   * @default - none
   */
  readonly serviceAccount?: OsLoginServiceAccount;
  /**
   * How long creating, updating or deleting the VM may take, e.g. { create: "10m" } (docs/timeouts.md).
   * @default - 5 minutes each
   */
  readonly timeouts?: ComputeInstanceTimeouts;
}

const INSTANCE_PROPS = propNames<OsLoginInstanceProps>()(
  "name",
  "subnetId",
  "imageId",
  "folderId",
  "zone",
  "platformId",
  "cores",
  "memory",
  "coreFraction",
  "diskSize",
  "nat",
  "sshAuthorization",
  "metadata",
  "labels",
  "serviceAccount",
  "timeouts",
);

export class OsLoginInstance extends Construct {
  readonly instance: ComputeInstance;

  constructor(scope: Construct, id: string, props: OsLoginInstanceProps) {
    super(scope, id);
    rejectUnknownProps(this, props, INSTANCE_PROPS);
    this.instance = new ComputeInstance(this, "vm", {
      name: props.name,
      folderId: props.folderId,
      zone: props.zone,
      platformId: props.platformId ?? "standard-v3",
      labels: props.labels ? { ...props.labels } : undefined,
      metadata: { [ENABLE_OSLOGIN_KEY]: "true", ...props.metadata },
      serviceAccountId: props.serviceAccount?.subjectId,
      resources: { cores: props.cores ?? 2, memory: props.memory ?? 2, coreFraction: props.coreFraction ?? 20 },
      bootDisk: { initializeParams: { imageId: props.imageId, size: props.diskSize ?? 10 } },
      networkInterface: [{ subnetId: props.subnetId, nat: props.nat ?? true }],
      serialPortSettings: { sshAuthorization: props.sshAuthorization ?? "OS_LOGIN" },
      timeouts: props.timeouts,
    });
  }

  get instanceId(): string {
    return this.instance.id;
  }

  get fqdn(): string {
    return this.instance.fqdn;
  }

  /** The public address (with nat). */
  get natIpAddress(): string {
    return this.instance.attribute("network_interface.0.nat_ip_address");
  }

  /** Lets a principal log in to this VM through OS Login (compute.osLogin, no sudo). */
  grantLogin(principal: IOsLoginPrincipal): ComputeInstanceIamMember {
    return this.grantRole(principal, OS_LOGIN_ROLE);
  }

  /** Lets a principal log in and use sudo on this VM (compute.osAdminLogin). */
  grantAdminLogin(principal: IOsLoginPrincipal): ComputeInstanceIamMember {
    return this.grantRole(principal, OS_ADMIN_LOGIN_ROLE);
  }

  /** Binds any role on this VM; granting the same role twice returns the first binding. */
  grantRole(principal: IOsLoginPrincipal, role: string): ComputeInstanceIamMember {
    const id = grantId(role, principal);
    return (
      (this.node.tryFindChild(id) as ComputeInstanceIamMember | undefined) ??
      new ComputeInstanceIamMember(this, id, { instanceId: this.instanceId, role, member: principal.iamMember })
    );
  }
}
