/** Persistence settings read from the config at the time of a save or load. */
import type { Config } from "../config/mod.ts";
import type { ObjLimits, SaveOptions } from "./rdb.ts";

export function objLimits(cfg: Config): ObjLimits {
  return {
    listFill: cfg.getNumber("list-max-listpack-size"),
    hashMaxEntries: cfg.getNumber("hash-max-listpack-entries"),
    hashMaxValue: cfg.getNumber("hash-max-listpack-value"),
    setMaxIntset: cfg.getNumber("set-max-intset-entries"),
    zsetMaxEntries: cfg.getNumber("zset-max-listpack-entries"),
    zsetMaxValue: cfg.getNumber("zset-max-listpack-value"),
  };
}

export function saveOptions(cfg: Config): SaveOptions {
  return { compress: cfg.getBool("rdbcompression"), limits: objLimits(cfg) };
}
