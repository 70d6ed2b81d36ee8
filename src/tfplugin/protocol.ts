// gRPC service definitions (path, streaming flags, message codecs) built from the precompiled
// descriptor with protobufjs/light: served by grpc-server.ts, and shaped like grpc-js definitions so
// tests can drive the provider with the grpc-js client (only its types are imported here). We skip
// @grpc/proto-loader at run time on purpose: it pulls in the full protobufjs parser, and terraform
// launches the provider 3-5 times per command (see proto/generate.ts for the numbers).
//
// Messages cross this boundary as plain objects: field names as in the .proto (snake_case), int64 as
// decimal strings, enums as numbers, bytes as Buffers, proto3 zero values absent (treat undefined as
// zero), oneofs with a virtual field naming the member that is set.
import protobuf from "protobufjs/light.js";
import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import { descriptor } from "./proto/descriptor.generated.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false, oneofs: true };

function methodDefinition(
  path: string,
  method: protobuf.Method,
  requestType: protobuf.Type,
  responseType: protobuf.Type,
): MethodDefinition<Message, Message> {
  return {
    path,
    requestStream: !!method.requestStream,
    responseStream: !!method.responseStream,
    requestSerialize: (m: Message) => Buffer.from(requestType.encode(requestType.fromObject(m)).finish()),
    requestDeserialize: (b: Buffer) => requestType.toObject(requestType.decode(b), TO_OBJECT),
    responseSerialize: (m: Message) => Buffer.from(responseType.encode(responseType.fromObject(m)).finish()),
    responseDeserialize: (b: Buffer) => responseType.toObject(responseType.decode(b), TO_OBJECT),
  };
}

/** The grpc-js definition of a service, e.g. serviceDefinition("tfplugin6.Provider"). */
export function serviceDefinition(fullName: string): ServiceDefinition<Record<string, Message>> {
  const service = root.lookupService(fullName);
  service.resolveAll();
  const def: Record<string, MethodDefinition<Message, Message>> = {};
  for (const method of service.methodsArray) {
    def[method.name] = methodDefinition(
      `/${fullName}/${method.name}`,
      method,
      method.resolvedRequestType!,
      method.resolvedResponseType!,
    );
  }
  return def as ServiceDefinition<Record<string, Message>>;
}

/** Encode/decode one message type by full name (tests and in-process clients). */
export function messageCodec(fullName: string): { encode(m: Message): Buffer; decode(b: Uint8Array): Message } {
  const type = root.lookupType(fullName);
  return {
    encode: (m) => Buffer.from(type.encode(type.fromObject(m)).finish()),
    decode: (b) => type.toObject(type.decode(b), TO_OBJECT),
  };
}
