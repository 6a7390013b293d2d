declare const __SBX_BUILD_ID__: string | undefined;

/**
 * Identifies the code that plans an apply (set by scripts/bundle.mjs from the sources). Modules
 * loaded without the bundle get an id of their own process, so nothing they memoise is reused.
 */
export const BUILD_ID: string = typeof __SBX_BUILD_ID__ === 'string' ? __SBX_BUILD_ID__ : `unbundled-${process.pid}-${Date.now()}`;
