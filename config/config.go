// Package config reads dichtbij's settings from environment variables and
// matching command-line flags, so the binary runs with no configuration at
// all and every setting can still be changed in a container or on the
// command line. Flags win over environment variables.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of a dichtbij process. The zero value is not
// usable; call Load.
type Config struct {
	// Addr is the HTTP listen address, host:port.
	Addr string
	// DataDir holds the embedded store's files; unused with MongoDBURI.
	DataDir string
	// MongoDBURI selects an external MongoDB; empty means the embedded store.
	MongoDBURI string
	// Embedded starts the embedded store (store/embedded.Start). It is no
	// setting but the binary's choice: main sets it, so that only the
	// binary links FerretDB and the test binaries, which run the store
	// in a process of their own, need not compile it. Nil means this
	// build has no embedded store.
	Embedded func(dir, sync string, log *slog.Logger) (uri string, stop func(), err error)
	// Database is the MongoDB database name.
	Database string
	// Bounds is the area locations must fall in: "nl" or
	// "minLon,minLat,maxLon,maxLat". Parsed by geo.ParseBounds.
	Bounds string
	// BodyLimit is the largest accepted request body, in bytes.
	BodyLimit int
	// ShutdownTimeout bounds how long in-flight requests may take after SIGTERM.
	ShutdownTimeout time.Duration
	// LogLevel is one of debug, info, warn, error.
	LogLevel string
	// Demo, when set to a CBS municipality code (or "nl" for the whole
	// country), fills an empty store with generated demo records there.
	Demo string
	// DemoOptions is how many options the demo generates.
	DemoOptions int
	// PollInterval is how often the change log of a store shared with
	// other processes is read (where the store has no change streams).
	PollInterval time.Duration
	// ProposalExpiry is how long a proposed referral waits for its
	// owner's answer before maintenance expires it.
	ProposalExpiry time.Duration
	// MaintenanceInterval is how often the maintenance jobs run.
	MaintenanceInterval time.Duration
	// PprofAddr is a loopback host:port serving Go's profiles
	// (/debug/pprof/); empty serves none.
	PprofAddr string
	// CookieSecure marks session and CSRF cookies Secure.
	CookieSecure bool
	// BaseURL is the portal's public address, for links in mail.
	BaseURL string
	// SMTPURL is the mail server ("smtp://user:pass@host:587"); empty
	// leaves mail in the outbox for an admin. MailFrom is the sender.
	SMTPURL  string
	MailFrom string
	// CORSOrigins are other origins allowed to call the API with
	// credentials, comma-separated; empty keeps CORS closed.
	CORSOrigins string
	// Retention is how long a closed support request keeps its personal
	// data before maintenance anonymises it.
	Retention time.Duration
	// LoginLimit is how many sign-in, sign-up and reset attempts one
	// client address may make per minute.
	LoginLimit int
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies
	// whose X-Forwarded-For names the client; empty trusts none.
	TrustedProxies []string
	// TileURL is a basemap tile URL template for the portal's map, with
	// TileAttribution; empty shows only the boundaries.
	TileURL, TileAttribution string
}

// durationIn returns a setter for a duration between lo and hi.
func durationIn(lo, hi time.Duration, example string, dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < lo || d > hi {
			return fmt.Errorf("must be a duration from %s to %s, such as %s", lo, hi, example)
		}
		*dst(c) = d
		return nil
	}
}

// setting describes one configuration value: its environment variable, its
// flag and its default. One table keeps the README, the flags and the
// environment in step.
type setting struct {
	env, flag, def, usage string
	set                   func(c *Config, v string) error
}

func settings() []setting {
	return []setting{
		{"DICHTBIJ_ADDR", "addr", "127.0.0.1:8080", "HTTP listen address (host:port)", func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("must be host:port: %w", err)
			}
			c.Addr = v
			return nil
		}},
		{"DICHTBIJ_DATA_DIR", "data-dir", "./data", "directory for the embedded store's files", func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
		{"MONGODB_URI", "mongodb-uri", "", "MongoDB connection string; empty starts the embedded store", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
				return errors.New(`must start with "mongodb://" or "mongodb+srv://"`)
			}
			c.MongoDBURI = v
			return nil
		}},
		{"MONGODB_DATABASE", "mongodb-database", "dichtbij", "MongoDB database name", func(c *Config, v string) error {
			if v == "" || strings.ContainsAny(v, `/\. "$`) || len(v) > 63 {
				return errors.New(`must be 1-63 characters without / \ . " $ or space`)
			}
			c.Database = v
			return nil
		}},
		{"DICHTBIJ_BOUNDS", "bounds", "nl", `allowed area for locations: "nl" (inside a Dutch municipality) or "minLon,minLat,maxLon,maxLat"`, func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			c.Bounds = v
			return nil
		}},
		{"DICHTBIJ_BODY_LIMIT", "body-limit", "1048576", "largest accepted request body in bytes", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1024 || n > 64<<20 {
				return errors.New("must be a whole number of bytes between 1024 and 67108864")
			}
			c.BodyLimit = n
			return nil
		}},
		{"DICHTBIJ_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "time allowed for in-flight requests after SIGTERM", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("must be a positive duration such as 15s")
			}
			c.ShutdownTimeout = d
			return nil
		}},
		{"DICHTBIJ_POLL_INTERVAL", "poll-interval", "1s", "how often to follow other processes' writes on a shared store", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 10*time.Millisecond || d > time.Hour {
				return errors.New("must be a duration from 10ms to 1h, such as 1s")
			}
			c.PollInterval = d
			return nil
		}},
		{"DICHTBIJ_PROPOSAL_EXPIRY", "proposal-expiry", "336h", "how long a proposed referral waits for the owner's answer before it expires (336h = 14 days)",
			durationIn(time.Hour, 90*24*time.Hour, "336h", func(c *Config) *time.Duration { return &c.ProposalExpiry })},
		{"DICHTBIJ_MAINTENANCE_INTERVAL", "maintenance-interval", "1m", "how often maintenance runs (expiry, sweeps, mail, retention)",
			durationIn(time.Second, 24*time.Hour, "1m", func(c *Config) *time.Duration { return &c.MaintenanceInterval })},
		{"DICHTBIJ_PPROF_ADDR", "pprof-addr", "", "loopback host:port serving Go's CPU, heap and blocking profiles at /debug/pprof/ for measuring (e.g. 127.0.0.1:6060); empty serves none", func(c *Config, v string) error {
			if v == "" {
				c.PprofAddr = ""
				return nil
			}
			host, _, err := net.SplitHostPort(v)
			if err != nil {
				return fmt.Errorf("must be host:port: %w", err)
			}
			// Profiles show the program's insides: never on a public address.
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return errors.New("must be a loopback address such as 127.0.0.1:6060")
			}
			c.PprofAddr = v
			return nil
		}},
		{"DICHTBIJ_COOKIE_SECURE", "cookie-secure", "true", "mark session and CSRF cookies Secure (HTTPS only; browsers count http://localhost and 127.0.0.1 as secure)", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.CookieSecure = b
			return nil
		}},
		{"DICHTBIJ_BASE_URL", "base-url", "http://127.0.0.1:8080", "the portal's public address, used in links sent by mail", func(c *Config, v string) error {
			if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return errors.New(`must start with "http://" or "https://"`)
			}
			c.BaseURL = strings.TrimRight(v, "/")
			return nil
		}},
		{"DICHTBIJ_SMTP_URL", "smtp-url", "", "mail server for password-reset mail, e.g. smtp://user:pass@mail.example.org:587 (STARTTLS) or smtps://…; empty keeps mail in the outbox an admin reads (a secret: prefer DICHTBIJ_SMTP_URL_FILE)", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "smtp://") && !strings.HasPrefix(v, "smtps://") {
				return errors.New(`must start with "smtp://" or "smtps://"`)
			}
			c.SMTPURL = v
			return nil
		}},
		{"DICHTBIJ_MAIL_FROM", "mail-from", "dichtbij <noreply@localhost>", "sender of the mail dichtbij sends", func(c *Config, v string) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return errors.New(`must be an address such as "dichtbij <noreply@example.org>"`)
			}
			c.MailFrom = v
			return nil
		}},
		{"DICHTBIJ_CORS_ORIGINS", "cors-origins", "", "other origins allowed to call the API with cookies, comma-separated (e.g. https://portal.example.org); empty keeps CORS closed", func(c *Config, v string) error {
			if v == "" {
				c.CORSOrigins = ""
				return nil
			}
			for _, o := range strings.Split(v, ",") {
				o = strings.TrimSpace(o)
				u, err := url.Parse(o)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
					return fmt.Errorf("%q must be an origin such as https://portal.example.org (no path, no *)", o)
				}
			}
			c.CORSOrigins = v
			return nil
		}},
		{"DICHTBIJ_RETENTION", "retention", "17520h", "how long a closed support request keeps its personal data before it is anonymised (17520h = 24 months)",
			durationIn(24*time.Hour, 10*365*24*time.Hour, "17520h", func(c *Config) *time.Duration { return &c.Retention })},
		{"DICHTBIJ_LOGIN_LIMIT", "login-limit", "10", "sign-in, sign-up and password-reset attempts one client address may make per minute (each account also locks after 5 failures)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				return errors.New("must be a whole number from 1 to 10000")
			}
			c.LoginLimit = n
			return nil
		}},
		{"DICHTBIJ_TRUSTED_PROXIES", "trusted-proxies", "", "reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client, for the per-address limits; empty trusts none", func(c *Config, v string) error {
			c.TrustedProxies = nil
			if v == "" {
				return nil
			}
			for _, p := range strings.Split(v, ",") {
				p = strings.TrimSpace(p)
				if net.ParseIP(p) == nil {
					if _, _, err := net.ParseCIDR(p); err != nil {
						return fmt.Errorf("%q must be an IP address or a CIDR such as 10.0.0.0/8", p)
					}
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		}},
		{"DICHTBIJ_TILE_URL", "tile-url", "", "basemap tiles for the portal's map, e.g. https://tile.example.org/{z}/{x}/{y}.png (the CSP then allows that origin); empty shows only the municipal boundaries", func(c *Config, v string) error {
			if v == "" {
				c.TileURL = ""
				return nil
			}
			u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a", "{r}", "").Replace(v))
			if err != nil || u.Scheme != "https" || u.Host == "" || !strings.Contains(v, "{z}") || !strings.Contains(v, "{x}") || !strings.Contains(v, "{y}") {
				return errors.New("must be an https URL template with {z}, {x} and {y}")
			}
			c.TileURL = v
			return nil
		}},
		{"DICHTBIJ_TILE_ATTRIBUTION", "tile-attribution", "", "the attribution the tile provider asks for, shown on the map", func(c *Config, v string) error {
			if len(v) > 300 || strings.ContainsAny(v, "<>") {
				return errors.New("must be plain text of at most 300 characters")
			}
			c.TileAttribution = v
			return nil
		}},
		{"DICHTBIJ_DEMO", "demo", "", `load generated demo records into an empty store, in the municipality with this CBS code (e.g. GM0344 Utrecht), or "nl" for the whole country`, func(c *Config, v string) error {
			if v != "" && v != "nl" && !regexp.MustCompile(`^GM[0-9]{4}$`).MatchString(v) {
				return errors.New(`must be a CBS municipality code such as "GM0344", or "nl"`)
			}
			c.Demo = v
			return nil
		}},
		{"DICHTBIJ_DEMO_OPTIONS", "demo-options", "3000", "how many options the demo generates", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 10 || n > 2_000_000 {
				return errors.New("must be a whole number from 10 to 2000000")
			}
			c.DemoOptions = n
			return nil
		}},
		{"DICHTBIJ_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn or error", func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return errors.New("must be debug, info, warn or error")
		}},
	}
}

// Load builds a Config from the environment (looked up with getenv) and the
// command-line arguments (without the program name). Errors name the
// variable or flag that is wrong.
func Load(args []string, getenv func(string) string, usageOut io.Writer) (Config, error) {
	fs := flag.NewFlagSet("dichtbij", flag.ContinueOnError)
	fs.SetOutput(usageOut)
	vals := map[string]*string{}
	for _, s := range settings() {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		} else if f := getenv(s.env + "_FILE"); f != "" {
			// Secrets come from files (Docker and Kubernetes secrets),
			// so they need not sit in the environment.
			b, err := os.ReadFile(f)
			if err != nil {
				return Config{}, fmt.Errorf("config: %s_FILE: %w", s.env, err)
			}
			v = strings.TrimRight(string(b), "\r\n")
		}
		vals[s.flag] = fs.String(s.flag, v, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	var c Config
	for _, s := range settings() {
		if err := s.set(&c, *vals[s.flag]); err != nil {
			shown := strconv.Quote(*vals[s.flag])
			if secret(s.env) {
				shown = "(not shown: it may hold a password)"
			}
			return Config{}, fmt.Errorf("config: %s (-%s) = %s: %w", s.env, s.flag, shown, err)
		}
	}
	return c, nil
}

// secret reports whether a setting may hold a password, so that an error
// about it must not repeat its value into a log.
func secret(env string) bool {
	return env == "MONGODB_URI" || env == "DICHTBIJ_SMTP_URL"
}

// Table returns the settings as rows of variable, flag, default and meaning,
// for documentation and for a test that keeps the README in step.
func Table() [][4]string {
	var rows [][4]string
	for _, s := range settings() {
		rows = append(rows, [4]string{s.env, "-" + s.flag, s.def, s.usage})
	}
	return rows
}
