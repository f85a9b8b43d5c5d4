package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestPickServesBuiltPortalOrPlaceholder(t *testing.T) {
	unbuilt := fstest.MapFS{
		"dist/.gitkeep":     {},
		"static/index.html": {Data: []byte("placeholder")},
	}
	if got := read(t, pick(unbuilt), "index.html"); got != "placeholder" {
		t.Errorf("without dist/index.html FS serves %q, want the placeholder", got)
	}
	built := fstest.MapFS{
		"dist/.gitkeep":     {},
		"dist/index.html":   {Data: []byte("portal")},
		"static/index.html": {Data: []byte("placeholder")},
	}
	if got := read(t, pick(built), "index.html"); got != "portal" {
		t.Errorf("with dist/index.html FS serves %q, want the built portal", got)
	}
	if isBuilt(unbuilt) || !isBuilt(built) {
		t.Error("isBuilt does not follow dist/index.html")
	}
}

// The server's CSP allows no inline script or style: the page served at
// "/" (built or placeholder) must have none.
func TestIndexHasNothingInline(t *testing.T) {
	for name, f := range map[string]fs.FS{"FS": FS, "placeholder": mustSub(files, "static")} {
		html := read(t, f, "index.html")
		for _, bad := range []*regexp.Regexp{
			regexp.MustCompile(`(?i)<style`),
			regexp.MustCompile(`(?i)\sstyle\s*=`),
			regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
			regexp.MustCompile(`(?i)<script(?:\s+type="module")?\s*>`), // a script without src
		} {
			if bad.MatchString(html) {
				t.Errorf("%s index.html has inline code matching %s", name, bad)
			}
		}
		if !strings.Contains(html, "<title>") {
			t.Errorf("%s index.html has no title", name)
		}
	}
}

func read(t *testing.T, f fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
