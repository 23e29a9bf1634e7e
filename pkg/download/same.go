package download

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// settleExisting decides about a target that exists when a complete download is to take its name
// (without --overwrite): a file holding exactly the downloaded bytes (same sha256) is the output
// already, so nothing is written and the save succeeds; any other file is kept and the download
// refused with exists, which names --overwrite. The partial file goes either way.
func (f *fetcher) settleExisting(j *job, exists error) error {
	same := sameSHA256(j.path, j.have, hex.EncodeToString(j.hash.Sum(nil)))
	os.Remove(j.part)
	os.Remove(j.info)
	j.owned = false
	if !same {
		return exists
	}
	f.rep.Logf("%s is already there (same sha256); nothing written", j.path)
	return nil
}

// sameSHA256 reports whether path is a regular file of size bytes whose sha256 is sum (hex).
func sameSHA256(path string, size int64, sum string) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return false
	}
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == sum
}
