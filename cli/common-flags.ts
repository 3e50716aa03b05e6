/** Flags shared by the client commands (DESIGN.md section 11). */
import type { FlagSpec } from "./spec.ts";

export const brokersFlag: FlagSpec = {
  name: "brokers", kind: "string", short: "b", placeholder: "host:port,...",
  brief: "Bootstrap brokers (else $STREAMBUS_BROKERS, else the current profile, else 127.0.0.1:9092)",
};
export const outputFlag: FlagSpec = {
  name: "output", kind: "enum", short: "o", values: ["table", "json", "yaml"],
  brief: "Output format (table on a TTY, json otherwise)",
};
export const profileFlag: FlagSpec = { name: "profile", kind: "string", placeholder: "name", brief: "Profile from ~/.config/streambus/config.yaml" };
export const timeoutFlag: FlagSpec = { name: "timeout", kind: "string", placeholder: "duration", brief: "How long to wait for a broker and for admin requests (default 10s)" };

/** Flags every client command takes. */
export const clientFlags: readonly FlagSpec[] = [brokersFlag, profileFlag, timeoutFlag];
export const listFlags: readonly FlagSpec[] = [...clientFlags, outputFlag];
