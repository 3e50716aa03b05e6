/** `streambus profile ...`: named broker lists in $XDG_CONFIG_HOME/streambus/config.yaml. */
import type { NounSpec } from "../spec.ts";
import { profileCreateVerb } from "./create.ts";
import { profileListVerb } from "./list.ts";
import { profileUseVerb } from "./use.ts";

export const profileNoun: NounSpec = {
  name: "profile",
  brief: "Named connection profiles in ~/.config/streambus/config.yaml",
  verbs: [profileListVerb, profileCreateVerb, profileUseVerb],
};
