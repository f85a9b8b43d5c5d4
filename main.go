// Command dichtbij runs the dichtbij server: API, portal and, unless
// MONGODB_URI is set, an embedded MongoDB-compatible store.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // activity schedules name IANA zones; do not depend on the host's

	"github.com/dichtbij/dichtbij/app"
	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store/embedded"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "healthcheck":
			os.Exit(healthcheck(os.Args[2:]))
		case "create-admin":
			os.Exit(createAdmin(os.Args[2:]))
		case "verify-access-log":
			os.Exit(verifyAccessLog())
		case "import-hsds":
			os.Exit(importHSDS(os.Args[2:]))
		}
	}
	cfg, err := loadConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := app.Run(ctx, cfg, newLogger(cfg.LogLevel)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// healthcheck asks a running server whether it is ready, for container
// health checks in images that have no curl. The URL defaults to the
// readiness endpoint on DICHTBIJ_ADDR's port on loopback.
func healthcheck(args []string) int {
	url := "http://127.0.0.1:8080/readyz"
	if addr := os.Getenv("DICHTBIJ_ADDR"); addr != "" {
		if _, port, err := net.SplitHostPort(addr); err == nil {
			url = "http://127.0.0.1:" + port + "/readyz"
		}
	}
	if len(args) > 0 {
		url = args[0]
	}
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck:", url, res.Status)
		return 1
	}
	return 0
}

// createAdmin makes the first admin account. The password comes from
// DICHTBIJ_ADMIN_PASSWORD or, when that is empty, the first line of
// standard input; never from a flag, which other users could see in ps.
func createAdmin(args []string) int {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	email := fs.String("email", "", "the admin's e-mail address")
	name := fs.String("name", "Beheerder", "the admin's name")
	municipality := fs.String("municipality", "", "CBS code of the admin's municipality, e.g. GM0363")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	password := os.Getenv("DICHTBIJ_ADMIN_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(os.Stderr, "create-admin: give the password in DICHTBIJ_ADMIN_PASSWORD or on standard input")
			return 2
		}
		password = strings.TrimRight(line, "\r\n")
	}
	cfg, err := loadConfig(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	id, err := app.CreateAdmin(context.Background(), cfg, newLogger("warn"), *email, *name, *municipality, password)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("admin account", id, "created for", *municipality)
	return 0
}

// verifyAccessLog checks the access log's hash chain and reports every
// changed, relinked or missing entry; exit status 1 when it is not clean.
func verifyAccessLog() int {
	cfg, err := loadConfig(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	rep, err := app.VerifyAccessLog(context.Background(), cfg, newLogger("warn"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("checked %d entries, head %d\n", rep.Checked, rep.Head)
	for _, p := range rep.Problems {
		fmt.Printf("entry %d: %s %s\n", p.Seq, p.Kind, p.Detail)
	}
	if !rep.Clean() {
		fmt.Println("the access log was tampered with")
		return 1
	}
	fmt.Println("the access log is intact")
	return 0
}

// importHSDS imports an HSDS 3 JSON file (or standard input, "-") into a
// municipality's provisions, printing progress to standard error and a
// line per skipped row. The store is the one the environment names, as
// for the server.
func importHSDS(args []string) int {
	fs := flag.NewFlagSet("import-hsds", flag.ContinueOnError)
	municipality := fs.String("municipality", "", "CBS code of the municipality to import into, e.g. GM0363")
	dry := fs.Bool("dry-run", false, "report what would change, write nothing")
	help := fs.String("default-help-type", "", "help type for services none of whose taxonomy terms is a dichtbij help type")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *municipality == "" {
		fmt.Fprintln(os.Stderr, "usage: dichtbij import-hsds -municipality GM0363 [-dry-run] [-default-help-type CODE] FILE|-")
		return 2
	}
	doc, err := readHSDS(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "import-hsds:", err)
		return 1
	}
	cfg, err := loadConfig(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	progress := func(done, total int) {
		if done%100 == 0 || done == total {
			fmt.Fprintf(os.Stderr, "\r%d of %d rows", done, total)
		}
		if done == total {
			fmt.Fprintln(os.Stderr)
		}
	}
	rep, err := app.ImportHSDS(context.Background(), cfg, newLogger("warn"), *municipality, doc, *dry, *help, progress)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, r := range rep.Rows {
		if r.Action == "skip" {
			fmt.Printf("skipped %s (%s): %s\n", r.Source, r.Name, strings.Join(r.Problems, "; "))
		}
	}
	for _, n := range rep.Notes {
		fmt.Println("note:", n)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import"
	}
	fmt.Printf("%s: %d created, %d updated, %d unchanged, %d skipped\n", verb, rep.Created, rep.Updated, rep.Unchanged, rep.Skipped)
	return 0
}

// readHSDS reads an HSDS directory from a tabular directory, a zip of
// one, a JSON file, or standard input ("-", JSON).
func readHSDS(name string) (hsds.Document, error) {
	if name == "-" {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return hsds.Document{}, err
		}
		return hsds.ReadJSON(data)
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return hsds.ReadTabular(os.DirFS(name))
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return hsds.Document{}, err
	}
	if strings.HasSuffix(strings.ToLower(name), ".zip") {
		return hsds.ReadZip(data)
	}
	return hsds.ReadJSON(data)
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // config.Load accepted only valid levels
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// loadConfig reads the settings from args and the environment, for a
// process that starts the embedded store when no MongoDB is configured.
func loadConfig(args []string) (config.Config, error) {
	cfg, err := config.Load(args, os.Getenv, os.Stderr)
	cfg.Embedded = embedded.Start
	return cfg, err
}
