/** DeleteTopics (key 20): by name (v0-5) or name/id (v6+), through the metadata quorum. */
import { StreamBusError, toStreamBusError } from "../../protocol/errors.ts";
import { DeleteTopicsRequest, DeleteTopicsResponse } from "../../protocol/schemas/delete-topics.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import { defineHandler } from "../handler.ts";
import { topicIdFromWire, topicIdToWire } from "../topic-id.ts";

export const deleteTopicsHandler = defineHandler({
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx, req) {
    const b = ctx.broker;
    const wanted: { name: string | null; topicId: string }[] =
      ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = [];
    for (const w of wanted) {
      let name = w.name;
      try {
        if (name === null) {
          name = b.image().topicNamesById.get(topicIdFromWire(w.topicId)) ?? null;
          if (name === null) throw new StreamBusError("UNKNOWN_TOPIC_ID", `no topic with id ${w.topicId}`);
        }
        const t = b.image().topics.get(name);
        if (!t) throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${name}" does not exist`);
        await b.quorum.propose({ type: "deleteTopic", name });
        responses.push({ name, topicId: topicIdToWire(t.topicId), errorCode: 0, errorMessage: null });
      } catch (e) {
        const err = toStreamBusError(e);
        responses.push({ name, topicId: w.topicId, errorCode: err.kafkaCode, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
