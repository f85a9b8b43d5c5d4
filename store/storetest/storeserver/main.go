// Command storeserver runs the embedded store for another process's
// tests: it starts the store in the directory -dir names, prints its URI
// on a line of its own, and serves until its standard input closes (the
// test process let go of it, or died), then stops.
//
// storetest runs it, built without the race detector (see package
// storeproc for why).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/embedded"
)

func main() {
	dir := flag.String("dir", "", "the store's data directory")
	sync := flag.String("sync", "normal", "SQLite synchronous setting: full or normal")
	flag.Parse()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	st, err := store.Open(ctx, store.Options{Database: "bootstrap", DataDir: *dir, Sync: *sync, Logger: log, Embedded: embedded.Start})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(st.URI())
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := st.Close(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
