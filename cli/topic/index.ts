/** `streambus topic ...`: one file per verb (rpk's layout). */
import type { NounSpec } from "../spec.ts";
import { alterConfigVerb } from "./alter-config.ts";
import { createVerb } from "./create.ts";
import { deleteVerb } from "./delete.ts";
import { describeVerb } from "./describe.ts";
import { listVerb } from "./list.ts";

export const topicNoun: NounSpec = {
  name: "topic",
  brief: "Create, list, describe, reconfigure and delete topics",
  verbs: [createVerb, listVerb, describeVerb, alterConfigVerb, deleteVerb],
};
