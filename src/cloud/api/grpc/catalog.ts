// The gRPC services the emulator serves: the SDK's generated client classes (whose `.service` is
// the grpc-js definition) and the int64 fields each carries. The server and the gRPC client both
// derive their definitions from this one table, so they always agree on the wire.
import * as instanceService from "@yandex-cloud/nodejs-sdk/compute-v1/instance_service";
import * as iamTokenService from "@yandex-cloud/nodejs-sdk/iam-v1/iam_token_service";
import * as keyService from "@yandex-cloud/nodejs-sdk/iam-v1/key_service";
import * as serviceAccountService from "@yandex-cloud/nodejs-sdk/iam-v1/service_account_service";
import * as operationService from "@yandex-cloud/nodejs-sdk/operation/operation_service";
import * as groupService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/group_service";
import * as organizationService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/organization_service";
import * as osLoginService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/os_login_service";
import * as sshCertificateService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/ssh_certificate_service";
import * as userService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/user_service";
import * as userSshKeyService from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/user_ssh_key_service";
import * as cloudService from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/cloud_service";
import * as folderService from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/folder_service";
import { clientClassFor, int64SafeDefinition, type Int64Table } from "./definitions.js";
import { ACCESS_BINDINGS_INT64 } from "./mapping/access.js";
import { INSTANCE_INT64 } from "./mapping/compute.js";
import { KEY_INT64, SERVICE_ACCOUNT_INT64 } from "./mapping/iam.js";
import { GROUP_INT64, ORGANIZATION_INT64, OS_LOGIN_INT64, USER_INT64, USER_SSH_KEY_INT64 } from "./mapping/organizationmanager.js";
import { CLOUD_INT64, FOLDER_INT64 } from "./mapping/resourcemanager.js";

export const SERVICES = {
  osLogin: { clientClass: osLoginService.OsLoginServiceClient, int64: OS_LOGIN_INT64 },
  userSshKey: { clientClass: userSshKeyService.UserSshKeyServiceClient, int64: USER_SSH_KEY_INT64 },
  sshCertificate: { clientClass: sshCertificateService.SshCertificateServiceClient, int64: {} },
  organization: { clientClass: organizationService.OrganizationServiceClient, int64: { ...ORGANIZATION_INT64, ...ACCESS_BINDINGS_INT64 } },
  user: { clientClass: userService.UserServiceClient, int64: USER_INT64 },
  group: { clientClass: groupService.GroupServiceClient, int64: GROUP_INT64 },
  serviceAccount: { clientClass: serviceAccountService.ServiceAccountServiceClient, int64: { ...SERVICE_ACCOUNT_INT64, ...ACCESS_BINDINGS_INT64 } },
  key: { clientClass: keyService.KeyServiceClient, int64: KEY_INT64 },
  iamToken: { clientClass: iamTokenService.IamTokenServiceClient, int64: {} },
  instance: { clientClass: instanceService.InstanceServiceClient, int64: { ...INSTANCE_INT64, ...ACCESS_BINDINGS_INT64 } },
  cloud: { clientClass: cloudService.CloudServiceClient, int64: { ...CLOUD_INT64, ...ACCESS_BINDINGS_INT64 } },
  folder: { clientClass: folderService.FolderServiceClient, int64: { ...FOLDER_INT64, ...ACCESS_BINDINGS_INT64 } },
  operation: { clientClass: operationService.OperationServiceClient, int64: {} },
} satisfies Record<string, { clientClass: { service: object }; int64: Int64Table }>;

export type ServiceName = keyof typeof SERVICES;

/** The int64-safe definition the server registers for a service. */
export function serverDefinition(name: ServiceName) {
  const s = SERVICES[name];
  return int64SafeDefinition(s.clientClass.service, s.int64 as Int64Table);
}

/** The client class (for Session.client) with the same int64-safe definition. */
export function clientClass<N extends ServiceName>(name: N): (typeof SERVICES)[N]["clientClass"] {
  const s = SERVICES[name];
  return clientClassFor(s.clientClass, s.int64 as Int64Table) as (typeof SERVICES)[N]["clientClass"];
}
