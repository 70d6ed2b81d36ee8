// The role catalog the emulator enforces. A role grants permissions; a binding of a role on a
// resource applies to that resource and everything below it
// (organization > cloud > folder > {service account, instance}).
// Permission names: "<service>.<resource>.<verb>". "*" means every permission.
// Meanings of the OS Login roles follow the Yandex docs (docs/reference.md, "Roles").

export interface RoleDefinition {
  description: string;
  permissions: readonly string[];
}

const READ = [
  "resource-manager.clouds.get",
  "resource-manager.folders.get",
  "organization-manager.organizations.get",
  "organization-manager.users.list",
  "organization-manager.osLogins.get",
  "organization-manager.userSshKeys.get",
  "iam.serviceAccounts.get",
  "iam.keys.get",
  "compute.instances.get",
  "access-bindings.list",
  "operations.get",
] as const;

const MANAGE_OSLOGIN = [
  "organization-manager.osLogins.get",
  "organization-manager.osLogins.manage",
  "organization-manager.userSshKeys.get",
  "organization-manager.userSshKeys.manage",
  "organization-manager.userSshKeys.manageServiceAccountKeys",
  "organization-manager.sshCertificates.generateForOthers",
] as const;

const EDIT = [
  ...READ,
  "iam.serviceAccounts.manage",
  // Editors attach service accounts to the VMs they create.
  "iam.serviceAccounts.use",
  "iam.keys.manage",
  "compute.instances.manage",
] as const;

export const ROLES: Readonly<Record<string, RoleDefinition>> = {
  admin: { description: "Everything, including access management", permissions: ["*"] },
  editor: { description: "Create, change and delete resources; no access management", permissions: [...EDIT, ...MANAGE_OSLOGIN] },
  viewer: { description: "Read every resource", permissions: READ },
  "resource-manager.admin": { description: "Manage clouds and folders and their access", permissions: [...READ, "access-bindings.manage"] },
  "resource-manager.viewer": { description: "Read clouds and folders", permissions: ["resource-manager.clouds.get", "resource-manager.folders.get"] },
  "organization-manager.admin": {
    description: "Manage the organization: members' OS Login, settings, access",
    permissions: [...READ, ...MANAGE_OSLOGIN, "access-bindings.manage"],
  },
  "organization-manager.viewer": { description: "Read the organization", permissions: READ },
  "organization-manager.osLogins.admin": {
    description: "Manage OS Login settings, all profiles and all SSH keys, including those of service accounts",
    permissions: MANAGE_OSLOGIN,
  },
  "organization-manager.osLogins.viewer": {
    description: "Read OS Login settings, profiles and SSH keys",
    permissions: ["organization-manager.osLogins.get", "organization-manager.userSshKeys.get"],
  },
  "compute.osLogin": {
    description: "SSH to VMs through OS Login with certificates or keys (no sudo)",
    permissions: ["compute.instances.osLogin"],
  },
  "compute.osAdminLogin": {
    description: "SSH to VMs through OS Login, plus running commands as superuser (sudo)",
    permissions: ["compute.instances.osLogin", "compute.instances.osAdminLogin"],
  },
  "compute.admin": { description: "Manage VMs and their access", permissions: ["compute.instances.get", "compute.instances.manage", "access-bindings.manage"] },
  "compute.editor": { description: "Manage VMs", permissions: ["compute.instances.get", "compute.instances.manage"] },
  "compute.viewer": { description: "Read VMs", permissions: ["compute.instances.get"] },
  "compute.operator": { description: "Start and stop VMs (needed by `yc compute ssh`, not by plain ssh)", permissions: ["compute.instances.get", "compute.instances.operate"] },
  "iam.serviceAccounts.admin": {
    description: "Manage service accounts, their keys and access",
    permissions: ["iam.serviceAccounts.get", "iam.serviceAccounts.manage", "iam.keys.get", "iam.keys.manage", "access-bindings.manage"],
  },
  "iam.serviceAccounts.user": {
    description: "Use a service account (attach it to VMs, act as it)",
    permissions: ["iam.serviceAccounts.get", "iam.serviceAccounts.use"],
  },
  "iam.serviceAccounts.keyAdmin": { description: "Manage authorized keys of service accounts", permissions: ["iam.keys.get", "iam.keys.manage"] },
};

export const KNOWN_ROLE_IDS: readonly string[] = Object.keys(ROLES);

export const OS_LOGIN_ROLE = "compute.osLogin";
export const OS_ADMIN_LOGIN_ROLE = "compute.osAdminLogin";

export function roleGrants(roleId: string, permission: string): boolean {
  const role = ROLES[roleId];
  return !!role && (role.permissions.includes("*") || role.permissions.includes(permission));
}
