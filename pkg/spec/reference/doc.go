// Package reference writes the configuration language's reference for
// people (docs/configuration.md, Reference) and for programs
// (docs/configuration.schema.json, Schema) from the shape the loader
// decodes with (spec.Language) and the words here for each block,
// attribute and function; Gaps lists what has no words yet.
//
// It documents the language and decides nothing about it: what is valid
// is the loader's (pkg/spec). The pages are checked against it by
// pkg/spec's TestReferenceUpToDate and TestSchemaUpToDate.
package reference
