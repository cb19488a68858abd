/** Versions, in a module with no imports so any file can read them without an import cycle. */
export const REXIS_VERSION = "0.1.0";
/** The Redis version we answer as (INFO redis_version, HELLO version). */
export const REDIS_COMPAT_VERSION = "7.0.15";
