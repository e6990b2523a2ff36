/** Reported to the control plane in `hello`; kept in step with package.json. */
export const SOFTWARE_VERSION = "0.1.0";
