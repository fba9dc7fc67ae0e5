package gitlog

// data "git_log" reads a repository with go-git, in this process, instead
// of running git. A repository committed beside a configuration is as
// untrusted as the configuration, and git executes what a repository's
// configuration names: a promisor remote's uploadpack or core.sshCommand on
// a lazy fetch (git log fetches a missing object on demand), fsmonitor,
// hooks, external diff and textconv drivers, includes that pull in more of
// the same. Disabling each of these on git's command line depends on the
// installed git's version (the machines' git 2.39 predates
// GIT_NO_LAZY_FETCH) and on what a future git adds; a reader that never
// starts a program, reads no configuration of the repository's at all and
// never fetches is the sturdier answer.
//
// What is read, and from where:
//   - The boundary is the repository that holds the configuration: the
//     nearest directory at or above the configuration directory with a
//     .git entry (in CI, the checkout itself, which is why path = ".."
//     works), or the configuration directory when there is none.
//   - path must resolve, symbolic links followed, inside the boundary; a
//     link that leaves it is refused, naming path.
//   - The repository is found as git finds it: from path upwards (never
//     above the boundary), the first directory with a .git directory or
//     file, or that is itself a git directory (a bare repository).
//   - A .git file's gitdir, and a linked worktree's commondir, must
//     resolve inside the boundary too. Every file is then opened through
//     billy's bound osfs rooted at the git directory, so a symbolic link
//     inside it cannot reach out either.
//   - objects/info/alternates is refused: objects borrowed from another
//     repository would be read from outside.
//   - The repository's config is never read: no include, no remote, no
//     core.abbrev, no replace refs or grafts. Shallow commits (CI's
//     fetch-depth) end the history, as in git.
//   - A missing object (a partial or damaged clone) is an error saying so;
//     nothing is ever fetched.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// gitError is a failure the user can act on.
type gitError struct{ summary, detail string }

func (e *gitError) Error() string { return e.summary + ": " + e.detail }

// gitRepository is a repository found for data "git_log", ready to open.
type gitRepository struct {
	gitDir    string // resolved, inside the boundary
	commonDir string // a linked worktree's common directory; "" otherwise
}

// gitObjectCacheBytes bounds the objects go-git keeps decoded between
// reads: its default, 96 MiB, is more than a log needs.
const gitObjectCacheBytes = 8 * cache.MiByte

// maxGitFileBytes bounds a .git file or commondir file: a line naming a
// directory.
const maxGitFileBytes = 4096

// gitBoundary is the directory data "git_log" may read inside: the top of
// the repository that holds the configuration directory dir, else dir.
func gitBoundary(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	base, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	for d := base; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return base, nil
		}
		d = parent
	}
}

// inGitBoundary reports whether path is root or inside it (both clean and
// absolute). Its own, not files.go's within: the two policies may part.
func inGitBoundary(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// findRepository finds the repository data "git_log" reads for path (as
// written in the configuration, relative to baseDir).
func findRepository(baseDir, path string) (*gitRepository, error) {
	boundary, err := gitBoundary(baseDir)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration directory: %w", err)
	}
	notDir := &gitError{"Cannot read repository", "the path is not a directory (paths are relative to the configuration directory)."}
	p := path
	if !filepath.IsAbs(p) {
		abs, err := filepath.Abs(baseDir)
		if err != nil {
			return nil, err
		}
		p = filepath.Join(abs, p)
	}
	resolved, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, notDir
	}
	if !inGitBoundary(resolved, boundary) {
		how := "is outside"
		if lexical, err := filepath.Abs(p); err == nil && inGitBoundary(filepath.Clean(lexical), boundary) {
			how = "is a symbolic link that leads outside"
		}
		return nil, &gitError{"Repository outside the configuration", fmt.Sprintf("path %s %s %s, the repository that holds the configuration (or the configuration directory): a configuration reads nothing outside it. Keep the repository inside it, or place the configuration in the repository whose commits it reads.", limits.Quoted(path), how, boundary)}
	}
	if st, err := os.Stat(resolved); err != nil || !st.IsDir() {
		return nil, notDir
	}
	for d := resolved; ; {
		repo, found, err := gitDirAt(d, boundary)
		if err != nil {
			return nil, err
		}
		if found {
			return repo, nil
		}
		if d == boundary {
			return nil, &gitError{"Not a git repository", "the path is not inside a git repository."}
		}
		d = filepath.Dir(d)
	}
}

// gitDirAt looks for a repository at directory d, as git does: a .git
// directory or file, else d itself being a git directory.
func gitDirAt(d, boundary string) (*gitRepository, bool, error) {
	dotGit := filepath.Join(d, ".git")
	if fi, err := os.Lstat(dotGit); err == nil {
		var gitDir string
		switch {
		case fi.Mode().IsRegular():
			b, err := readSmall(dotGit)
			if err != nil {
				return nil, false, fmt.Errorf("reading %s: %w", dotGit, err)
			}
			target, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !ok {
				return nil, false, &gitError{"Not a git repository", fmt.Sprintf("%s is neither a git directory nor a gitdir file.", dotGit)}
			}
			gitDir = strings.TrimSpace(target)
			if !filepath.IsAbs(gitDir) {
				gitDir = filepath.Join(d, gitDir)
			}
		default:
			gitDir = dotGit
		}
		repo, err := checkGitDir(gitDir, boundary)
		return repo, err == nil, err
	}
	if isGitDir(d) {
		repo, err := checkGitDir(d, boundary)
		return repo, err == nil, err
	}
	return nil, false, nil
}

// isGitDir reports whether d looks like a git directory (git's own test:
// HEAD, objects/ and refs/).
func isGitDir(d string) bool {
	if st, err := os.Lstat(filepath.Join(d, "HEAD")); err != nil || !st.Mode().IsRegular() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if st, err := os.Stat(filepath.Join(d, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

// checkGitDir resolves a git directory and insists that it, its common
// directory and any alternates stay inside the boundary.
func checkGitDir(gitDir, boundary string) (*gitRepository, error) {
	resolved, err := filepath.EvalSymlinks(gitDir)
	if err != nil {
		return nil, &gitError{"Not a git repository", fmt.Sprintf("its git directory %s cannot be read: %s.", gitDir, confdir.UnwrapPathError(err))}
	}
	if !inGitBoundary(resolved, boundary) {
		return nil, &gitError{"Repository outside the configuration", fmt.Sprintf("its git directory is %s, outside %s, the repository that holds the configuration: a configuration reads nothing outside it (a linked worktree or a submodule keeps its git directory elsewhere: read the main checkout instead).", resolved, boundary)}
	}
	repo := &gitRepository{gitDir: resolved}
	if b, err := readSmall(filepath.Join(resolved, "commondir")); err == nil {
		common := strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(resolved, common)
		}
		rc, err := filepath.EvalSymlinks(common)
		if err != nil || !inGitBoundary(rc, boundary) {
			return nil, &gitError{"Repository outside the configuration", fmt.Sprintf("its common git directory %s is outside %s, the repository that holds the configuration.", common, boundary)}
		}
		repo.commonDir = rc
	}
	for _, dir := range []string{repo.gitDir, repo.commonDir} {
		if dir == "" {
			continue
		}
		if hasAlternates(dir) {
			return nil, &gitError{"Repository borrows objects", "its objects/info/alternates borrows objects from another repository, which rtctl does not read. Clone it without --shared or --reference (or run git repack -a -d and remove the alternates file)."}
		}
	}
	return repo, nil
}

// hasAlternates reports whether the git directory names alternate object
// directories.
func hasAlternates(gitDir string) bool {
	b, err := readSmall(filepath.Join(gitDir, "objects", "info", "alternates"))
	if err != nil {
		// Too large to be read is as much a refusal as any entry.
		return !errors.Is(err, os.ErrNotExist)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			return true
		}
	}
	return false
}

// readSmall reads a regular file of at most maxGitFileBytes, never
// blocking on a named pipe.
func readSmall(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(f), maxGitFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxGitFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", filepath.Base(path), maxGitFileBytes)
	}
	return b, nil
}

// open opens the repository's storage, every file read through a
// filesystem bound to its git directories.
func (r *gitRepository) open() *filesystem.Storage {
	var fs billy.Filesystem = regularOnly{osfs.New(r.gitDir, osfs.WithBoundOS())}
	if r.commonDir != "" {
		fs = dotgit.NewRepositoryFilesystem(fs, regularOnly{osfs.New(r.commonDir, osfs.WithBoundOS())})
	}
	return filesystem.NewStorageWithOptions(fs, cache.NewObjectLRU(gitObjectCacheBytes), filesystem.Options{
		// A read lasts a moment: list the objects and open each pack
		// once, not for every object (a bound open resolves every path
		// component), which made a 500-commit window 5 times slower
		// than git log. Close releases them.
		ExclusiveAccess: true,
		KeepDescriptors: true,
		// Belt and braces: alternates were refused above; were one to
		// appear meanwhile, it resolves inside the git directory only.
		AlternatesFS: fs,
	})
}

// regularOnly opens regular files only: a named pipe as HEAD or as a pack
// index would block the read for ever (and a device read without end).
type regularOnly struct{ billy.Filesystem }

func (fs regularOnly) Open(name string) (billy.File, error) {
	return fs.OpenFile(name, os.O_RDONLY, 0)
}

func (fs regularOnly) OpenFile(name string, flag int, perm os.FileMode) (billy.File, error) {
	if st, err := fs.Filesystem.Stat(name); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return fs.Filesystem.OpenFile(name, flag, perm)
}
