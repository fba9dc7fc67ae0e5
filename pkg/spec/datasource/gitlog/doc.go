// Package gitlog is data "git_log": the commits of a local repository
// inside the lookback window, one by one and grouped per day, for a
// configuration to turn into highlights.
//
// The repository is read in this process with go-git: no git program
// runs, no configuration of the repository's is read, nothing is fetched,
// and nothing outside the repository that holds the configuration is read
// (repo.go says what is read and from where). Every read is bounded
// (limits MaxGitLogBytes and MaxGitObjectBytes). It is not a git client:
// it walks first parents and commit dates, and diffs trees only for the
// paths filter.
package gitlog
