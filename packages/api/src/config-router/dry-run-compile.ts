import type { FieldError, GatewayConfig } from "@switchyard/config";
import { compileConfig, isConfigCompileError } from "@switchyard/routing";

/**
 * Compiles the config as a data plane would, and discards the result: anything the schema
 * can't catch (ConfigCompileError: code, path, message) comes back as field errors.
 */
export function dryRunCompile(config: GatewayConfig): FieldError[] | null {
  try {
    compileConfig(config);
    return null;
  } catch (error) {
    if (!isConfigCompileError(error)) throw error;
    return [{ path: error.path, message: error.message }];
  }
}
