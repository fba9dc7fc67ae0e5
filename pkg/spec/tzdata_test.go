package spec

// The tests name IANA zones; they must pass on machines without a zone
// database, as the rtctl binary does by embedding it.
import _ "time/tzdata"
