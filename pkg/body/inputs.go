package body

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

func (b *builder) maxBytes() int64 {
	if b.in.MaxFileBytes > 0 {
		return b.in.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// readFile reads a user-named input file with the size bound; what is the input that named it.
func (b *builder) readFile(what Source, name string) ([]byte, error) {
	limit := b.maxBytes()
	var data []byte
	var err error
	if b.in.ReadFile != nil {
		data, err = b.in.ReadFile(b.in.Path(name))
	} else {
		data, err = readBounded(b.in.Path(name), limit)
	}
	if err != nil {
		if errors.As(err, new(tooBigError)) {
			return nil, tooBig(what, name, limit)
		}
		reason := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		return nil, inputErr(what, clierr.Usagef("cannot read file %q: %s", name, reason))
	}
	if int64(len(data)) > limit {
		return nil, tooBig(what, name, limit)
	}
	return data, nil
}

// tooBigError is readBounded's refusal of a file over the limit.
type tooBigError struct{}

func (tooBigError) Error() string { return "file too large" }

func tooBig(what Source, name string, limit int64) error {
	return inputErr(what, clierr.Usagef("%q is larger than the %s limit for input files", name, mib(limit)))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readBounded reads a file, refusing (without reading it all) one larger than limit.
func readBounded(name string, limit int64) ([]byte, error) {
	if err := NotRegular(name); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooBigError{}
	}
	return data, nil
}

// readData returns the Data object from inline JSON, @file or stdin.
func (b *builder) readData() (map[string]any, error) {
	arg := b.in.Data
	var src []byte
	where := Source{Kind: FromData}
	switch {
	case arg == "-":
		where.Name = "-"
		if b.in.Stdin == nil {
			return nil, inputErr(where, clierr.Usagef("no standard input to read"))
		}
		data, err := io.ReadAll(io.LimitReader(b.in.Stdin, b.maxBytes()+1))
		if err != nil {
			return nil, inputErr(where, clierr.Usagef("reading standard input: %v", err))
		}
		if int64(len(data)) > b.maxBytes() {
			return nil, tooBig(where, "-", b.maxBytes())
		}
		src = data
	case strings.HasPrefix(arg, "@"):
		data, err := b.readFile(where, arg[1:])
		if err != nil {
			return nil, err
		}
		src, where.Name = data, arg
	default:
		src = []byte(arg)
	}
	return parseObject(src, where)
}

// setFile applies one --set-file path=file, encoding the file as the field takes it (raw base64 for
// fields the spec does not know).
func (b *builder) setFile(body map[string]any, s string) error {
	path, name, ok := strings.Cut(s, "=")
	if !ok || path == "" || name == "" {
		return inputErr(Source{Kind: FromSetFile, Name: s}, clierr.New(clierr.KindUsage, ErrFileAssignmentForm))
	}
	what := Source{Kind: FromSetFile, Name: path}
	data, err := b.readFile(what, name)
	if err != nil {
		return err
	}
	value := base64.StdEncoding.EncodeToString(data)
	if p, ok := b.task.Param(b.task.FullPath(path)); ok && p.Type == catalog.ParamFile &&
		(p.Encoding == catalog.EncodingDataURI || p.Encoding == catalog.EncodingURLOrDataURI) {
		value = dataURI(data)
	} else if ok && p.Type == catalog.ParamFile && p.Encoding == catalog.EncodingURL {
		return inputErr(what, clierr.New(clierr.KindUsage, &URLFieldError{Path: path}))
	}
	return b.set(body, Source{Kind: FromSetFile, Name: s}, path, value)
}

// file turns a file flag's value (local path, http(s) URL or data: URI) into what the field takes.
// path is where the value goes, for NoFetch's placeholder.
func (b *builder) file(what Source, encoding, v, path string) (string, error) {
	switch {
	case v == "":
		return "", inputErr(what, clierr.Usagef("empty value: give a file path or an http(s) URL"))
	case isHTTPURL(v):
		switch encoding {
		case catalog.EncodingURL, catalog.EncodingURLOrDataURI:
			return v, nil
		}
		if b.in.NoFetch {
			if b.deferred == nil {
				b.deferred = map[string]string{}
			}
			b.deferred[path] = v
			return base64.StdEncoding.EncodeToString([]byte("dry run")), nil
		}
		data, err := b.fetch(what, v)
		if err != nil {
			return "", err
		}
		if encoding == catalog.EncodingDataURI {
			return dataURI(data), nil
		}
		return base64.StdEncoding.EncodeToString(data), nil
	case strings.HasPrefix(v, "data:"):
		_, payload, ok := strings.Cut(v, ";base64,")
		if !ok {
			return "", inputErr(what, clierr.Usagef("a data: URI must be base64 (data:<mime>;base64,...)"))
		}
		switch encoding {
		case catalog.EncodingBase64:
			return payload, nil
		case catalog.EncodingURL:
			return "", inputErr(what, clierr.Usagef("this field takes an http(s) URL, not a data: URI"))
		}
		return v, nil
	}
	if encoding == catalog.EncodingURL {
		return "", inputErr(what, clierr.Usagef("this field takes an http(s) URL the API can fetch, not the local file %q: upload it somewhere reachable and pass the URL", v))
	}
	data, err := b.readFile(what, v)
	if err != nil {
		return "", err
	}
	if encoding == catalog.EncodingBase64 {
		return base64.StdEncoding.EncodeToString(data), nil
	}
	return dataURI(data), nil
}

// dataURI wraps file content as data:<mime>;base64,..., the MIME type sniffed from the content.
func dataURI(data []byte) string {
	mime, _, _ := strings.Cut(http.DetectContentType(data), ";")
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

func isHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// fetch downloads a file input for a base64 or data-uri field, bounded by the input size limit.
func (b *builder) fetch(what Source, url string) ([]byte, error) {
	client := b.in.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	req, err := http.NewRequestWithContext(b.ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, inputErr(what, clierr.Usagef("invalid URL %q: %v", url, err))
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, inputErr(what, fmt.Errorf("fetch %s: %w", url, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, inputErr(what, clierr.Usagef("fetch %s: the server answered %s", url, resp.Status))
	}
	limit := b.maxBytes()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, inputErr(what, fmt.Errorf("fetch %s: %w", url, err))
	}
	if int64(len(data)) > limit {
		return nil, tooBig(what, url, limit)
	}
	return data, nil
}
