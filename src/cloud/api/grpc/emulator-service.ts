// The emulator's own gRPC service, which the real API does not have: what a client that speaks only
// gRPC to `oslogin serve` needs from the REST gateway's admin-only /emulator/v1 routes. Today that is
// one method, an IAM token for a member or service account without their credential (the REST route
// POST /emulator/v1/iamTokens), so the holder of a served data directory can act as a member over
// gRPC. Its messages are the SDK's own (access.Subject in, iam.v1.CreateIamTokenResponse out), so the
// wire is plain protobuf; the path is under our own package name, never a yandex.cloud one.
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { Subject } from "@yandex-cloud/nodejs-sdk/proto/access/access";
import { CreateIamTokenResponse } from "@yandex-cloud/nodejs-sdk/iam-v1/iam_token_service";

export const EMULATOR_GRPC_SERVICE = "oslogin.emulator.v1.EmulatorService";

const issueIamToken: MethodDefinition<Subject, CreateIamTokenResponse> = {
  path: `/${EMULATOR_GRPC_SERVICE}/IssueIamToken`,
  requestStream: false,
  responseStream: false,
  requestSerialize: (m) => Buffer.from(Subject.encode(m).finish()),
  requestDeserialize: (b) => Subject.decode(b),
  responseSerialize: (m) => Buffer.from(CreateIamTokenResponse.encode(m).finish()),
  responseDeserialize: (b) => CreateIamTokenResponse.decode(b),
};

export const emulatorServiceDefinition = { issueIamToken } satisfies ServiceDefinition;
