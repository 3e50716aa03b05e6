import pkg from "../package.json" with { type: "json" };

/** The StreamBus version, from package.json (embedded into the compiled binary). */
export const VERSION: string = pkg.version;
