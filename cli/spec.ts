/**
 * The CLI as data: each noun declares its verbs, flags, positionals and examples here, and this module
 * turns the declarations into @stricli/core commands. Help, completion and docs/cli.md all come from
 * the same declarations (rpk's one-folder-per-noun layout, STYLE.md point 13).
 */
import { buildCommand, buildRouteMap, numberParser, type Command, type RouteMap } from "@stricli/core";
import { StreamBusError } from "../protocol/errors.ts";
import type { CliContext } from "./context.ts";
import { reportError } from "./report.ts";

export type FlagKind = "string" | "number" | "boolean" | "enum" | "list";

export interface FlagSpec {
  /** camelCase; typed on the command line as kebab-case (`dataDir` -> `--data-dir`). */
  name: string;
  kind: FlagKind;
  brief: string;
  placeholder?: string;
  /** Single-letter alias, e.g. "b" for --brokers. */
  short?: string;
  /** Allowed values for kind "enum". */
  values?: readonly string[];
  /** Default as typed on the command line. */
  default?: string;
  required?: boolean;
  hidden?: boolean;
}

export interface PositionalSpec {
  name: string;
  brief: string;
  optional?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | readonly string[] | undefined>;

/** One verb (or a noun that is itself a command, like `produce`). */
export interface VerbSpec {
  name: string;
  brief: string;
  description?: string;
  flags: readonly FlagSpec[];
  positionals?: readonly PositionalSpec[];
  examples?: readonly string[];
  run(ctx: CliContext, flags: FlagValues, args: readonly string[]): Promise<void>;
}

export interface NounSpec {
  name: string;
  brief: string;
  verbs: readonly VerbSpec[];
}

function stricliFlag(f: FlagSpec): Record<string, unknown> {
  const common = { brief: f.brief, ...(f.placeholder ? { placeholder: f.placeholder } : {}), ...(f.hidden ? { hidden: true } : {}) };
  switch (f.kind) {
    case "boolean":
      return { kind: "boolean", optional: true, ...common };
    case "enum":
      return { kind: "enum", values: f.values, optional: !f.required && f.default === undefined, ...(f.default ? { default: f.default } : {}), ...common };
    case "number":
      return { kind: "parsed", parse: numberParser, optional: !f.required && f.default === undefined, ...(f.default ? { default: f.default } : {}), ...common };
    case "list":
      return { kind: "parsed", parse: String, variadic: true, optional: !f.required, ...common };
    case "string":
      return { kind: "parsed", parse: String, optional: !f.required && f.default === undefined, ...(f.default ? { default: f.default } : {}), ...common };
  }
}

/** Builds the stricli command for a verb; failures become `streambus: CODE: message` and an exit code. */
export function toCommand(spec: VerbSpec): Command<CliContext> {
  const flags = Object.fromEntries(spec.flags.map((f) => [f.name, stricliFlag(f)]));
  const aliases = Object.fromEntries(spec.flags.filter((f) => f.short).map((f) => [f.short!, f.name]));
  const positionals = spec.positionals ?? [];
  const fullDescription = [
    spec.description ?? spec.brief,
    ...(spec.examples?.length ? ["", "Examples:", ...spec.examples.map((e) => `  ${e}`)] : []),
  ].join("\n");
  return buildCommand({
    docs: { brief: spec.brief, fullDescription },
    parameters: {
      flags,
      aliases,
      positional: {
        kind: "tuple",
        parameters: positionals.map((p) => ({ brief: p.brief, placeholder: p.name, parse: String, optional: p.optional ?? false })),
      },
    },
    async func(this: CliContext, parsed: FlagValues, ...args: string[]) {
      try {
        await spec.run(this, parsed, args.filter((a) => a !== undefined));
      } catch (e) {
        reportError(this, e, parsed.output === "json");
      }
    },
  } as never);
}

/** Builds a noun's route map from its verbs. */
export function toRouteMap(noun: NounSpec): RouteMap<CliContext> {
  const routes = Object.fromEntries(noun.verbs.map((v) => [v.name, toCommand(v)]));
  return buildRouteMap({ routes, docs: { brief: noun.brief } } as never);
}

/** The run function of a verb whose implementation lands with a later issue. */
export function comesLater(command: string, issue: string): VerbSpec["run"] {
  return async () => {
    throw new StreamBusError("NOT_AVAILABLE_YET", `\`streambus ${command}\` is planned (${issue}) and not available in this version yet`);
  };
}
