package config

import (
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: "127.0.0.1:8080", DataDir: "./data", Database: "dichtbij", Bounds: "nl", BodyLimit: 1 << 20, ShutdownTimeout: 15 * time.Second, LogLevel: "info", PollInterval: time.Second, DemoOptions: 3000,
		ProposalExpiry: 14 * 24 * time.Hour, MaintenanceInterval: time.Minute, CookieSecure: true, BaseURL: "http://127.0.0.1:8080",
		MailFrom: "dichtbij <noreply@localhost>", Retention: 730 * 24 * time.Hour, LoginLimit: 10}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load() = %+v; want %+v", c, want)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Load([]string{"-addr", "0.0.0.0:9000"}, env(map[string]string{"DICHTBIJ_ADDR": "127.0.0.1:1", "MONGODB_URI": "mongodb://db:27017/?replicaSet=rs0"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.MongoDBURI != "mongodb://db:27017/?replicaSet=rs0" {
		t.Errorf("Load = %+v; want flag addr and env URI", c)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value string }{
		{"DICHTBIJ_ADDR", "8080"},
		{"MONGODB_URI", "postgres://x"},
		{"MONGODB_DATABASE", "a.b"},
		{"DICHTBIJ_BODY_LIMIT", "12"},
		{"DICHTBIJ_SHUTDOWN_TIMEOUT", "-1s"},
		{"DICHTBIJ_LOG_LEVEL", "loud"},
		{"DICHTBIJ_PROPOSAL_EXPIRY", "5m"},
		{"DICHTBIJ_MAINTENANCE_INTERVAL", "soon"},
		{"DICHTBIJ_SMTP_URL", "http://mail"},
		{"DICHTBIJ_MAIL_FROM", "nobody"},
		{"DICHTBIJ_CORS_ORIGINS", "*"},
		{"DICHTBIJ_CORS_ORIGINS", "https://a.example, https://b.example/path"},
		{"DICHTBIJ_RETENTION", "1h"},
		{"DICHTBIJ_LOGIN_LIMIT", "0"},
		{"DICHTBIJ_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"},
		{"DICHTBIJ_TILE_URL", "http://tile.example.org/{z}/{x}/{y}.png"},
		{"DICHTBIJ_TILE_URL", "https://tile.example.org/tiles.png"},
		{"DICHTBIJ_TILE_ATTRIBUTION", "<script>"},
		{"DICHTBIJ_PPROF_ADDR", "6060"},
		{"DICHTBIJ_PPROF_ADDR", "0.0.0.0:6060"},
		{"DICHTBIJ_PPROF_ADDR", "example.org:6060"},
	} {
		_, err := Load(nil, env(map[string]string{tc.name: tc.value}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%q: error %v; want one naming %s", tc.name, tc.value, err, tc.name)
		}
	}
}

// TestPprofOnlyOnLoopback: the profiles are served on a loopback address
// or not at all.
func TestPprofOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060"} {
		c, err := Load(nil, env(map[string]string{"DICHTBIJ_PPROF_ADDR": v}), io.Discard)
		if err != nil || c.PprofAddr != v {
			t.Errorf("DICHTBIJ_PPROF_ADDR=%q: PprofAddr %q, error %v; want it kept", v, c.PprofAddr, err)
		}
	}
}

// TestREADMEListsEverySetting keeps the README's configuration table true.
func TestREADMEListsEverySetting(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range Table() {
		line := "| `" + row[0] + "` | `" + row[1] + "` |"
		if !strings.Contains(string(readme), line) {
			t.Errorf("README.md lacks the row starting %q", line)
		}
	}
}

func TestSecretsFromFilesAndNeverEchoed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := dir + "/smtp"
	if err := os.WriteFile(f, []byte("smtp://u:s3cret@mail.example.org:587\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(nil, env(map[string]string{"DICHTBIJ_SMTP_URL_FILE": f, "DICHTBIJ_CORS_ORIGINS": "https://a.example, http://localhost:5173"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != "smtp://u:s3cret@mail.example.org:587" || c.CORSOrigins != "https://a.example, http://localhost:5173" {
		t.Errorf("Load = %+v", c)
	}
	_, err = Load(nil, env(map[string]string{"DICHTBIJ_SMTP_URL_FILE": dir + "/missing"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DICHTBIJ_SMTP_URL_FILE") {
		t.Errorf("missing secret file: error %v; want one naming DICHTBIJ_SMTP_URL_FILE", err)
	}
	for _, name := range []string{"DICHTBIJ_SMTP_URL", "MONGODB_URI"} {
		_, err = Load(nil, env(map[string]string{name: "ftp://u:s3cret@x"}), io.Discard)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %v; want one that does not repeat the password", name, err)
		}
	}
}

func TestProxiesAndTiles(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, env(map[string]string{"DICHTBIJ_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7", "DICHTBIJ_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png",
		"DICHTBIJ_LOGIN_LIMIT": "100"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.0/8", "192.168.1.7"}) || c.TileURL == "" || c.LoginLimit != 100 {
		t.Errorf("Load = %+v", c)
	}
}
