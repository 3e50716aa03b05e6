/**
 * The shape of one Kafka API handler (`broker/handlers/<api>.ts`). Each handler states the versions it
 * implements; the registry lists the handlers and ApiVersions is derived from it, so what the broker
 * advertises is exactly what it implements (STYLE.md point 7).
 */
import type { ApiSpec } from "../protocol/apis.ts";
import { apiByKey } from "../protocol/apis.ts";
import { assert } from "../protocol/errors.ts";
import type { RequestHeader } from "../protocol/headers.ts";
import type { Infer, Input, MessageSchema } from "../protocol/schema.ts";
import type { BrokerCore } from "./core.ts";
import type { ConnInfo } from "./net/connection.ts";

/** What a handler sees of the request besides its body. */
export interface RequestContext {
  readonly broker: BrokerCore;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly conn: ConnInfo;
  /** Wall-clock ms by which the response should be sent (request deadline). */
  readonly deadlineMs: number;
}

/** A handler's answer: a response body, or null when Kafka sends no response (Produce with acks=0). */
export type HandlerResult<Res extends MessageSchema> = Input<Res> | null;

export interface Handler<Req extends MessageSchema = MessageSchema, Res extends MessageSchema = MessageSchema> {
  readonly api: ApiSpec;
  /** Versions this broker implements (a subrange of what the codec speaks). */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(ctx: RequestContext, request: Infer<Req>): Promise<HandlerResult<Res>> | HandlerResult<Res>;
}

/** Declares a handler; checks its versions against the codec's table once, at load. */
export function defineHandler<Req extends MessageSchema, Res extends MessageSchema>(def: {
  request: Req;
  response: Res;
  minVersion: number;
  maxVersion: number;
  handle: Handler<Req, Res>["handle"];
}): Handler {
  const api = apiByKey(def.request.apiKey);
  assert(api !== undefined, `no codec table for api key ${def.request.apiKey}`);
  assert(def.minVersion >= api.validVersions.min && def.maxVersion <= api.validVersions.max, `${api.name}: handler versions outside the codec's range`);
  assert(def.minVersion <= def.maxVersion, `${api.name}: empty version range`);
  return { api, minVersion: def.minVersion, maxVersion: def.maxVersion, handle: def.handle as Handler["handle"] };
}
