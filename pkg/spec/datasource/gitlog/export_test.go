package gitlog

// The reading of a repository, for the external tests that compare it with
// git's own log.
var (
	ReadGitLog     = readGitLog
	FindRepository = findRepository
)

type (
	GitLogQuery = gitLogQuery
	GitCommit   = gitCommit
)
