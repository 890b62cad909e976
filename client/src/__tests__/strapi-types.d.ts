// The example app's content types, for `strapi.documents(uid)` in these tests (`strapi.$io` is
// typed by the example app's testing helpers).
/// <reference path="../../../examples/strapi-app/types/generated/contentTypes.d.ts" />
export {};
