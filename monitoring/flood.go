package monitoring

import "time"

// FloodWindow is the span over which a resident's new entries are counted
// against the municipality's EntriesPerHour.
const FloodWindow = time.Hour

// FloodAllows reports whether a resident who registered n entries within the
// last FloodWindow may register one more under limit (EntriesPerHour; zero or
// less means no limit). The limit is a guard against floods set per
// municipality, not a rule of the Regulation: an entry over it is kept as a
// draft, never dropped.
func FloodAllows(n, limit int) bool { return limit <= 0 || n < limit }
