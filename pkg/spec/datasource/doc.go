// Package datasource is what a data "TYPE" "name" {} block reads through:
// the Source interface a data source implements (a body schema and a
// Read), the Context it reads in (clock, zone, lookback, environment, HTTP
// client, the configuration's file policy and limits), and a few helpers
// for reading a decoded configuration.
//
// A new data source is one package under this one implementing Source,
// registered in the loader's built-in Registry (pkg/spec) or passed in
// spec.LoadOptions.DataSources. This package decodes no block, orders
// nothing and fetches nothing itself: the loader decodes the body in
// dependency order, refuses a configuration holding a credential, and
// reads sources ready at the same point side by side under one deadline.
package datasource
