/** `streambus completion bash|zsh|fish`: prints a completion script (see completion/scripts.ts). */
import type { NounSpec, VerbSpec } from "../spec.ts";
import { COMPLETION_SCRIPTS } from "./scripts.ts";

const HOW: Record<keyof typeof COMPLETION_SCRIPTS, string> = {
  bash: "source <(streambus completion bash)",
  zsh: "source <(streambus completion zsh)",
  fish: "streambus completion fish > ~/.config/fish/completions/streambus.fish",
};

function shellVerb(shell: keyof typeof COMPLETION_SCRIPTS): VerbSpec {
  return {
    name: shell, brief: `Completion script for ${shell}`, flags: [], examples: [HOW[shell]],
    async run(ctx) {
      ctx.process.stdout.write(COMPLETION_SCRIPTS[shell]);
    },
  };
}

export const completionNoun: NounSpec = {
  name: "completion",
  brief: "Print a shell completion script",
  verbs: [shellVerb("bash"), shellVerb("zsh"), shellVerb("fish")],
};
