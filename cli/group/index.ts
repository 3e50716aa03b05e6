/** `streambus group ...`: consumer groups. */
import type { NounSpec } from "../spec.ts";
import { deleteVerb } from "./delete.ts";
import { describeVerb } from "./describe.ts";
import { listVerb } from "./list.ts";
import { resetOffsetsVerb } from "./reset-offsets.ts";

export const groupNoun: NounSpec = {
  name: "group",
  brief: "List, describe, reset and delete consumer groups",
  verbs: [listVerb, describeVerb, resetOffsetsVerb, deleteVerb],
};
