/** Baked in by scripts/build.ts (`--define`); from source it falls back to package.json's version. */
declare const OT3C_VERSION: string | undefined;
declare const OT3C_COMMIT: string | undefined;

export const VERSION: string = typeof OT3C_VERSION === "string" ? OT3C_VERSION : "0.1.0-dev";
export const COMMIT: string = typeof OT3C_COMMIT === "string" ? OT3C_COMMIT : "source";
