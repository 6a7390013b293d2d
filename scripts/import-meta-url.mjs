// Injected into the CommonJS bundle in place of import.meta.url (the bundle's own file).
export const __sbxImportMetaUrl = require('node:url').pathToFileURL(__filename).href;
