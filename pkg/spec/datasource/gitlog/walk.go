package gitlog

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// gitLogQuery is what data "git_log" asks of a repository.
type gitLogQuery struct {
	Branch, Author string
	Paths          []string
	Merges         bool
	Since, Until   time.Time
}

// readGitLog returns the commits git log would list for q: reachable from
// the branch (HEAD by default), committed (committer date) within [Since,
// Until], touching Paths, by Author, merges only with Merges; then, of
// those, the ones whose author date is in [Since, Until), oldest first.
// The second filter, on the day the work was done, keeps rebased or
// cherry-picked old commits out.
//
// The walk is git's: newest committer date first, and a commit older than
// Since ends its line (its parents are not read), so a repository with a
// million commits before the window reads only the few at its edge. As in
// git, a commit whose committer clock ran behind hides its ancestors from
// the walk; that choice is git's, kept so that results match.
func readGitLog(ctx context.Context, repo *gitRepository, q gitLogQuery, limits limits.Limits) ([]gitCommit, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s := repo.open()
	defer s.Close()
	r := &gitReader{ctx: ctx, s: s, limits: limits, trees: map[plumbing.Hash]plumbing.Hash{}}
	defer r.close()
	start, ok, err := r.resolve(q.Branch)
	if err != nil || !ok {
		return nil, err
	}
	shallow, err := s.Shallow()
	if err != nil {
		return nil, fmt.Errorf("reading the shallow list: %w", err)
	}
	r.shallow = make(map[plumbing.Hash]bool, len(shallow))
	for _, h := range shallow {
		r.shallow[h] = true
	}
	specs := make([]pathspec, 0, len(q.Paths))
	for _, p := range q.Paths {
		specs = append(specs, newPathspec(p))
	}
	if slices.ContainsFunc(specs, func(p pathspec) bool { return p.all }) {
		specs = nil
	}
	shown, err := r.walk(start, q, specs)
	if err != nil {
		return nil, err
	}
	return r.authoredIn(shown, q)
}

// walk lists the commits git log would show for q from start, newest
// first, reading parents in committer-date order until Since.
func (r *gitReader) walk(start plumbing.Hash, q gitLogQuery, specs []pathspec) ([]*object.Commit, error) {
	var shown []*object.Commit
	since, until := q.Since.Unix(), q.Until.Unix()
	queue := &commitQueue{}
	first, err := r.commit(start)
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{start: true}
	queue.add(first)
	for queue.Len() > 0 {
		if err := r.ctx.Err(); err != nil {
			return nil, fmt.Errorf("reading the repository stopped: %w", err)
		}
		c := heap.Pop(queue).(queued).c
		date := c.Committer.When.Unix()
		if date < since {
			continue
		}
		parents := c.ParentHashes
		if r.shallow[c.Hash] {
			parents = nil
		}
		parents, loaded, treesame, err := r.simplify(c, parents, specs)
		if err != nil {
			return nil, err
		}
		for _, p := range parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc := loaded[p]
			if pc == nil {
				if pc, err = r.commit(p); err != nil {
					return nil, err
				}
			}
			queue.add(pc)
		}
		switch {
		case date > until, treesame, !q.Merges && len(parents) > 1:
			continue
		case q.Author != "" && !strings.Contains(c.Author.Name+" <"+c.Author.Email+">", q.Author):
			// git log -F --author: the author as written, in part.
			continue
		}
		shown = append(shown, c)
	}
	return shown, nil
}

// simplify is git's history simplification by paths (without
// --full-history): treesame when c changes none of specs, and a commit
// the same as one parent in the paths is followed to that parent only.
// loaded are the parents read on the way, so they are not read again.
// With no specs, parents are as they came.
func (r *gitReader) simplify(c *object.Commit, parents []plumbing.Hash, specs []pathspec) (_ []plumbing.Hash, loaded map[plumbing.Hash]*object.Commit, treesame bool, _ error) {
	if len(specs) == 0 {
		return parents, nil, false, nil
	}
	if len(parents) == 0 {
		changed, err := r.changed(specs, c.TreeHash, plumbing.ZeroHash, "")
		if err != nil {
			return nil, nil, false, err
		}
		treesame = !changed
	}
	loaded = map[plumbing.Hash]*object.Commit{}
	for i, p := range parents {
		tree, ok := r.trees[p]
		if !ok {
			pc, err := r.commit(p)
			if err != nil {
				return nil, nil, false, err
			}
			loaded[p], tree = pc, pc.TreeHash
		}
		changed, err := r.changed(specs, c.TreeHash, tree, "")
		if err != nil {
			return nil, nil, false, err
		}
		if !changed {
			return parents[i : i+1], loaded, true, nil
		}
	}
	return parents, loaded, treesame, nil
}

// authoredIn is shown, oldest first, without the commits whose author
// date is outside [Since, Until).
func (r *gitReader) authoredIn(shown []*object.Commit, q gitLogQuery) ([]gitCommit, error) {
	var out []gitCommit
	for i := len(shown) - 1; i >= 0; i-- {
		c := shown[i]
		when := c.Author.When
		if when.Before(q.Since) || !when.Before(q.Until) {
			continue
		}
		short, err := r.abbrev(c.Hash)
		if err != nil {
			return nil, err
		}
		out = append(out, gitCommit{
			Hash: c.Hash.String(), ShortHash: short, When: when,
			Author: gitText(c.Author.Name, c.Encoding), Email: gitText(c.Author.Email, c.Encoding),
			Subject: gitText(gitSubject(c.Message), c.Encoding),
		})
	}
	return out, nil
}

// gitSubject is git's %s: the message's first paragraph, leading blank
// lines skipped, its lines without trailing spaces joined by a space.
func gitSubject(msg string) string {
	lines := strings.Split(msg, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	var parts []string
	for ; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t\r\v\f")
		if l == "" {
			break
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " ")
}

// gitText is s as UTF-8 (git log --encoding=UTF-8): decoded from the
// commit's declared encoding, else with invalid bytes replaced.
func gitText(s string, enc object.MessageEncoding) string {
	if e := strings.ToLower(string(enc)); e != "" && e != "utf-8" && e != "utf8" {
		if codec, err := htmlindex.Get(e); err == nil {
			if d, err := codec.NewDecoder().String(s); err == nil {
				s = d
			}
		}
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// queued is a commit waiting in the walk, with its arrival order.
type queued struct {
	c   *object.Commit
	seq int
}

// commitQueue orders the walk as git's: newest committer date first, and
// first come first served among equal dates.
type commitQueue struct {
	items []queued
	next  int
}

func (q *commitQueue) Len() int { return len(q.items) }
func (q *commitQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	da, db := a.c.Committer.When.Unix(), b.c.Committer.When.Unix()
	if da != db {
		return da > db
	}
	return a.seq < b.seq
}
func (q *commitQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *commitQueue) Push(x any)    { q.items = append(q.items, x.(queued)) }
func (q *commitQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}
func (q *commitQueue) add(c *object.Commit) {
	heap.Push(q, queued{c: c, seq: q.next})
	q.next++
}
