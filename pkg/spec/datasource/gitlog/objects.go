package gitlog

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// gitReader reads the objects of one repository within Limits.
type gitReader struct {
	ctx     context.Context
	s       *filesystem.Storage
	limits  limits.Limits
	read    int64 // bytes of the commits read, against MaxGitLogBytes
	shallow map[plumbing.Hash]bool
	// trees are the root trees of the commits read, for comparing a
	// commit with a parent read before.
	trees  map[plumbing.Hash]plumbing.Hash
	packs  []*packIndex // for abbrev, opened on first use
	minLen int
	// looseNames are the loose objects, by the first two digits of
	// their ids, listed on first use.
	looseNames map[string]map[string]bool
}

// missing is the error for an object the repository lacks: a partial clone
// would fetch it, which rtctl never does.
func missing(h plumbing.Hash) error {
	return &gitError{"Incomplete repository", fmt.Sprintf("object %s is not in the repository (a partial, shallow or damaged clone); rtctl reads only what is there and never fetches. Fetch the history of the window (git fetch, without --filter or with a deeper --depth) first.", h)}
}

// size is the object's size from its header, before anything is inflated.
func (r *gitReader) size(h plumbing.Hash, what string) (int64, error) {
	n, err := r.s.EncodedObjectSize(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, missing(h)
	}
	if err != nil {
		return 0, fmt.Errorf("reading %s %s: %w", what, h, err)
	}
	if n > r.limits.MaxGitObjectBytes {
		return 0, limits.NewError("MaxGitObjectBytes", r.limits.MaxGitObjectBytes,
			"%s %s is %d bytes, more than the %d bytes one commit or tree may have", what, h, n, r.limits.MaxGitObjectBytes)
	}
	if err := r.checkLoose(h, n); err != nil {
		return 0, err
	}
	return n, nil
}

// checkLoose makes sure a loose object holds no more than its header
// says: go-git reads a loose object to the end of its stream, whatever
// the header declared (a pack's reader stops at the declared size), so a
// few bytes declared and gigabytes of compressed zeros would be read into
// memory. Inflating it once more, at most n+1 bytes, costs little: the
// header already kept it under MaxGitObjectBytes.
func (r *gitReader) checkLoose(h plumbing.Hash, n int64) error {
	fs := r.s.Filesystem()
	hex := h.String()
	if !r.loose(hex[:2])[hex[2:]] {
		return nil // packed
	}
	f, err := fs.Open(fs.Join("objects", hex[:2], hex[2:]))
	if err != nil {
		return fmt.Errorf("reading object %s: %w", h, err)
	}
	defer f.Close()
	zr, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("reading object %s: %w", h, err)
	}
	defer zr.Close()
	br := bufio.NewReader(io.LimitReader(zr, 64))
	header, err := br.ReadString(0)
	if err != nil {
		return fmt.Errorf("reading object %s: no header", h)
	}
	rest := io.MultiReader(br, zr)
	got, err := io.Copy(io.Discard, io.LimitReader(rest, n+1))
	if err != nil {
		return fmt.Errorf("reading object %s: %w", h, err)
	}
	if got > n {
		return &gitError{"Damaged repository", fmt.Sprintf("object %s is longer than its header says (%q); rtctl does not read it.", h, strings.TrimSuffix(header, "\x00"))}
	}
	return nil
}

// commit reads a commit, counting its size against MaxGitLogBytes before
// reading it.
func (r *gitReader) commit(h plumbing.Hash) (*object.Commit, error) {
	n, err := r.size(h, "commit")
	if err != nil {
		return nil, err
	}
	r.read += n
	if r.read > r.limits.MaxGitLogBytes {
		return nil, limits.NewError("MaxGitLogBytes", r.limits.MaxGitLogBytes,
			"the commits read come to more than %d bytes", r.limits.MaxGitLogBytes)
	}
	o, err := r.s.EncodedObject(plumbing.CommitObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, &gitError{"Not a commit", fmt.Sprintf("%s is not a commit.", h)}
	}
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	c, err := object.DecodeCommit(r.s, o)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	r.trees[h] = c.TreeHash
	return c, nil
}

// tree reads a tree; the zero hash is the empty tree.
func (r *gitReader) tree(h plumbing.Hash) ([]object.TreeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	if _, err := r.size(h, "tree"); err != nil {
		return nil, err
	}
	o, err := r.s.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s: %w", h, err)
	}
	t, err := object.DecodeTree(r.s, o)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s: %w", h, err)
	}
	return t.Entries, nil
}

// resolve finds the commit rev names, as git does for a branch, tag or
// commit id: ok is false for the HEAD of a repository without commits.
func (r *gitReader) resolve(rev string) (plumbing.Hash, bool, error) {
	unknown := &gitError{"Unknown branch", fmt.Sprintf("the repository has no branch, tag or commit %s.", limits.Quoted(rev))}
	if rev == "" || rev == "HEAD" {
		ref, err := storer.ResolveReference(r.s, plumbing.HEAD)
		switch {
		case errors.Is(err, plumbing.ErrReferenceNotFound):
			return plumbing.ZeroHash, false, nil
		case err != nil:
			return plumbing.ZeroHash, false, fmt.Errorf("reading HEAD: %w", err)
		}
		h, err := r.peel(ref.Hash())
		return h, err == nil, err
	}
	if strings.Contains(rev, "..") || strings.ContainsAny(rev, " ~^:?*[\\\x7f") || strings.ContainsFunc(rev, func(c rune) bool { return c < ' ' }) {
		return plumbing.ZeroHash, false, unknown
	}
	names := []string{"refs/" + rev, "refs/tags/" + rev, "refs/heads/" + rev, "refs/remotes/" + rev, "refs/remotes/" + rev + "/HEAD"}
	if strings.HasPrefix(rev, "refs/") {
		names = append([]string{rev}, names...)
	}
	for _, n := range names {
		ref, err := storer.ResolveReference(r.s, plumbing.ReferenceName(n))
		if err == nil {
			h, err := r.peel(ref.Hash())
			return h, err == nil, err
		}
	}
	if len(rev) >= 4 && len(rev) <= 40 && strings.Trim(strings.ToLower(rev), "0123456789abcdef") == "" {
		rev = strings.ToLower(rev)
		prefix := make([]byte, len(rev)/2)
		for i := range prefix {
			fmt.Sscanf(rev[2*i:2*i+2], "%02x", &prefix[i])
		}
		hashes, err := r.s.HashesWithPrefix(prefix)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		var match []plumbing.Hash
		for _, h := range hashes {
			if strings.HasPrefix(h.String(), rev) && !slices.Contains(match, h) {
				match = append(match, h)
			}
		}
		if len(match) == 1 {
			h, err := r.peel(match[0])
			return h, err == nil, err
		}
	}
	return plumbing.ZeroHash, false, unknown
}

// peel follows annotated tags to the commit they name.
func (r *gitReader) peel(h plumbing.Hash) (plumbing.Hash, error) {
	for range 10 {
		if _, err := r.size(h, "object"); err != nil {
			return h, err
		}
		o, err := r.s.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return h, fmt.Errorf("reading %s: %w", h, err)
		}
		switch o.Type() {
		case plumbing.CommitObject:
			return h, nil
		case plumbing.TagObject:
			t, err := object.DecodeTag(r.s, o)
			if err != nil {
				return h, fmt.Errorf("reading tag %s: %w", h, err)
			}
			h = t.Target
		default:
			return h, &gitError{"Not a commit", fmt.Sprintf("%s is a %s, not a commit.", h, o.Type())}
		}
	}
	return h, &gitError{"Not a commit", fmt.Sprintf("%s is a tag of a tag of a tag…, not a commit.", h)}
}

// abbrev is git's %h: the shortest prefix, at least the length git picks
// for the repository's size (7 below 16,384 packed objects, then one more
// per fourfold growth), that no other object shares.
func (r *gitReader) abbrev(h plumbing.Hash) (string, error) {
	if r.packs == nil {
		if err := r.openPackIndexes(); err != nil {
			return "", err
		}
	}
	common := 0
	for _, idx := range r.packs {
		n, err := idx.neighbours(h)
		if err != nil {
			return "", err
		}
		common = max(common, n)
	}
	hex := h.String()
	for name := range r.loose(hex[:2]) {
		if other := plumbing.NewHash(hex[:2] + name); other != h {
			common = max(common, commonHex(h, other))
		}
	}
	return hex[:min(40, max(r.minLen, common+1))], nil
}

// loose lists the loose objects whose ids start with prefix (two hex
// digits), by the rest of their ids; read once for each prefix, not
// looked for object by object (every path a bound filesystem opens is
// resolved component by component).
func (r *gitReader) loose(prefix string) map[string]bool {
	if names, ok := r.looseNames[prefix]; ok {
		return names
	}
	names := map[string]bool{}
	fs := r.s.Filesystem()
	if entries, err := fs.ReadDir(fs.Join("objects", prefix)); err == nil {
		for _, e := range entries {
			if len(e.Name()) == 38 && strings.Trim(e.Name(), "0123456789abcdef") == "" {
				names[e.Name()] = true
			}
		}
	}
	if r.looseNames == nil {
		r.looseNames = map[string]map[string]bool{}
	}
	r.looseNames[prefix] = names
	return names
}

// openPackIndexes opens the pack indexes, for abbrev, and sets the
// shortest abbreviation from the objects they hold, as git counts them.
func (r *gitReader) openPackIndexes() error {
	r.packs = []*packIndex{}
	packs, err := r.s.ObjectPacks()
	if err != nil {
		return fmt.Errorf("listing packs: %w", err)
	}
	var count uint64
	fs := r.s.Filesystem()
	for _, p := range packs {
		f, err := fs.Open(fs.Join("objects", "pack", "pack-"+p.String()+".idx"))
		if err != nil {
			return fmt.Errorf("reading pack index %s: %w", p, err)
		}
		idx := &packIndex{f: f}
		if err := idx.readFanout(); err != nil {
			f.Close()
			return fmt.Errorf("reading pack index %s: %w", p, err)
		}
		r.packs = append(r.packs, idx)
		count += uint64(idx.fanout[255])
	}
	r.minLen = max(7, (bits.Len64(max(count, 1))+1)/2)
	return nil
}

// close releases the pack indexes abbrev opened.
func (r *gitReader) close() {
	for _, p := range r.packs {
		p.f.Close()
	}
}

// packIndex is a version 2 pack index, read in place: a few reads a
// lookup, where decoding it whole cost its size in memory again (go-git
// holds its own copy) and most of a large repository's reading time.
type packIndex struct {
	f interface {
		io.ReaderAt
		io.Closer
	}
	fanout [256]uint32
}

const (
	packIndexHeader = 8        // magic and version
	packIndexNames  = 8 + 1024 // after the fanout table
)

func (p *packIndex) readFanout() error {
	var b [packIndexNames]byte
	if _, err := p.f.ReadAt(b[:], 0); err != nil {
		return err
	}
	if string(b[:4]) != "\xfftOc" || binary.BigEndian.Uint32(b[4:8]) != 2 {
		return errors.New("not a version 2 pack index")
	}
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(b[packIndexHeader+4*i:])
		if i > 0 && p.fanout[i] < p.fanout[i-1] {
			return errors.New("damaged fanout table")
		}
	}
	return nil
}

// name is the object id at position i of the sorted table.
func (p *packIndex) name(i uint32) (plumbing.Hash, error) {
	var h plumbing.Hash
	_, err := p.f.ReadAt(h[:], packIndexNames+int64(i)*int64(len(h)))
	return h, err
}

// neighbours is the longest run of leading hex digits h shares with
// another object of the pack: its neighbours in the sorted table.
func (p *packIndex) neighbours(h plumbing.Hash) (int, error) {
	lo, hi := uint32(0), p.fanout[h[0]]
	if h[0] > 0 {
		lo = p.fanout[h[0]-1]
	}
	first, end := lo, hi
	for lo < hi {
		m := lo + (hi-lo)/2
		name, err := p.name(m)
		if err != nil {
			return 0, err
		}
		if bytes.Compare(name[:], h[:]) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	common := 0
	for _, j := range []int64{int64(lo) - 1, int64(lo), int64(lo) + 1} {
		if j < int64(first) || j >= int64(end) {
			continue
		}
		other, err := p.name(uint32(j))
		if err != nil {
			return 0, err
		}
		if other != h {
			common = max(common, commonHex(h, other))
		}
	}
	return common, nil
}

// commonHex is how many leading hexadecimal digits a and b share.
func commonHex(a, b plumbing.Hash) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i]>>4 == b[i]>>4 {
				return 2*i + 1
			}
			return 2 * i
		}
	}
	return 2 * len(a)
}
