package gitlog

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// pathspec is one entry of paths, matched as git matches a pathspec
// without magic: a directory or file named literally, or a glob whose *
// also matches across slashes.
type pathspec struct {
	all     bool   // "." or "": everything
	literal string // without a trailing slash
	dirOnly bool   // written with a trailing slash
	glob    *regexp.Regexp
	lead    string // a glob's part before its first wildcard
}

func newPathspec(p string) pathspec {
	dirOnly := strings.HasSuffix(p, "/")
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" || p == "." {
		return pathspec{all: true}
	}
	i := strings.IndexAny(p, "*?[")
	if i < 0 {
		return pathspec{literal: p, dirOnly: dirOnly}
	}
	var re strings.Builder
	re.WriteString("^")
	for j := 0; j < len(p); j++ {
		switch c := p[j]; c {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		case '[':
			end := strings.IndexByte(p[j+1:], ']')
			if end < 0 {
				re.WriteString(regexp.QuoteMeta("["))
				continue
			}
			class := p[j+1 : j+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			re.WriteString("[" + strings.ReplaceAll(class, "\\", "\\\\") + "]")
			j += end + 1
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	g, err := regexp.Compile(re.String())
	if err != nil {
		return pathspec{literal: p}
	}
	return pathspec{glob: g, lead: p[:i]}
}

// matches reports whether a change at name (a directory when dir) is a
// change to the paths.
func (p pathspec) matches(name string, dir bool) bool {
	if p.glob != nil {
		return p.glob.MatchString(name)
	}
	if name == p.literal {
		return dir || !p.dirOnly
	}
	return strings.HasPrefix(name, p.literal+"/")
}

// mayContain reports whether the directory name may hold a matching path.
func (p pathspec) mayContain(name string) bool {
	if p.glob != nil {
		return strings.HasPrefix(name+"/", p.lead) || strings.HasPrefix(p.lead, name+"/")
	}
	return strings.HasPrefix(p.literal, name+"/")
}

// changed reports whether trees a and b differ in the paths, reading only
// the subtrees that differ and may hold them (never a file's content).
func (r *gitReader) changed(specs []pathspec, a, b plumbing.Hash, dir string) (bool, error) {
	if a == b {
		return false, nil
	}
	if err := r.ctx.Err(); err != nil {
		return false, fmt.Errorf("reading the repository stopped: %w", err)
	}
	ea, err := r.tree(a)
	if err != nil {
		return false, err
	}
	eb, err := r.tree(b)
	if err != nil {
		return false, err
	}
	type pair struct{ a, b *object.TreeEntry }
	byName := map[string]*pair{}
	var names []string
	for i := range ea {
		byName[ea[i].Name] = &pair{a: &ea[i]}
		names = append(names, ea[i].Name)
	}
	for i := range eb {
		if p, ok := byName[eb[i].Name]; ok {
			p.b = &eb[i]
			continue
		}
		byName[eb[i].Name] = &pair{b: &eb[i]}
		names = append(names, eb[i].Name)
	}
	isDir := func(e *object.TreeEntry) bool { return e != nil && e.Mode == filemode.Dir }
	subtree := func(e *object.TreeEntry) plumbing.Hash {
		if isDir(e) {
			return e.Hash
		}
		return plumbing.ZeroHash
	}
	for _, n := range names {
		p := byName[n]
		if p.a != nil && p.b != nil && p.a.Mode == p.b.Mode && p.a.Hash == p.b.Hash {
			continue
		}
		full := n
		if dir != "" {
			full = dir + "/" + n
		}
		d := isDir(p.a) || isDir(p.b)
		descend := false
		for _, s := range specs {
			if s.matches(full, d) {
				return true, nil
			}
			descend = descend || (d && s.mayContain(full))
		}
		if descend {
			ch, err := r.changed(specs, subtree(p.a), subtree(p.b), full)
			if err != nil || ch {
				return ch, err
			}
		}
	}
	return false, nil
}
