package body

import (
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// applyFlags sets the typed flags of one phase (override=false: before --data; true: after --set-file).
func (b *builder) applyFlags(body map[string]any, override bool) error {
	for _, fm := range b.task.Flags {
		if fm.Override != override {
			continue
		}
		raw, isSet := b.in.Flags[fm.Flag]
		list, isList := b.in.Lists[fm.Flag]
		if !isSet && !isList {
			continue
		}
		if !isList {
			list = []string{raw}
		}
		if len(list) == 0 {
			continue
		}
		v, err := b.convert(fm, list)
		if err != nil {
			if clierr.KindOf(err) != clierr.KindUsage || b.ctx.Err() != nil {
				return err
			}
			// A value that is not even of the flag's type is one problem among the request's: the
			// others are still checked and named with it (the field itself is left out of them).
			b.problems = append(b.problems, err)
			b.failed = append(b.failed, fm.Path)
			continue
		}
		if err := jsonpath.Set(body, fm.Path, v); err != nil {
			return inputErr(Source{Kind: FromFlag, Name: fm.Flag}, clierr.New(clierr.KindUsage, err))
		}
	}
	return nil
}

// convert turns a flag's text (all occurrences, for list flags) into the field's JSON value.
func (b *builder) convert(fm catalog.FlagMap, vals []string) (any, error) {
	last := vals[len(vals)-1]
	what := Source{Kind: FromFlag, Name: fm.Flag}
	switch fm.Type {
	case catalog.TypeInt:
		n, err := strconv.ParseInt(strings.TrimSpace(last), 10, 64)
		if err != nil {
			return nil, inputErr(what, clierr.Usagef("%q is not an integer", last))
		}
		return n, nil
	case catalog.TypeFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(last), 64)
		if err != nil {
			return nil, inputErr(what, clierr.Usagef("%q is not a number", last))
		}
		return f, nil
	case catalog.TypeBool:
		v, err := strconv.ParseBool(strings.TrimSpace(last))
		if err != nil {
			return nil, inputErr(what, clierr.Usagef("%q is not true or false", last))
		}
		return v, nil
	case catalog.TypeStringList:
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out, nil
	case catalog.TypeFileList:
		out := make([]any, len(vals))
		for i, v := range vals {
			enc, err := b.file(what, fm.Encoding, v, pathAt(fm.Path, i))
			if err != nil {
				return nil, err
			}
			out[i] = enc
		}
		return out, nil
	case catalog.TypeImageBase64, catalog.TypeImageURLOrDataURI, catalog.TypeFileDataURI, catalog.TypeFileURL:
		return b.file(what, fm.Encoding, last, fm.Path)
	}
	return last, nil
}

func pathAt(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
