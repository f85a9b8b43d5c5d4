package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log sink safe for the app's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoPersonalDataInLogs runs sign-up, sign-in, a password reset, a
// request with its notes, a search, a referral and its answer, an export
// and the failures along the way with the log at debug level, and checks
// that no address, name, alias, note, password or reset link reaches it.
func TestNoPersonalDataInLogs(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	e := newTestEnvWith(t, func(d *Deps) {
		d.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	b := newBrowser(e)
	b.do(http.MethodGet, "/api/v1/session", "", false)
	if r := b.do(http.MethodPost, "/api/v1/signup", `{"email":"wies.de.vries@example.org","password":"Geheim wachtwoord 77","name":"Wies de Vries","municipality":"GM0363","role":"resident"}`, true); r.status != http.StatusCreated {
		t.Fatalf("signup = %d %s", r.status, r.body)
	}
	b.do(http.MethodPost, "/api/v1/session", `{"email":"wies.de.vries@example.org","password":"Verkeerd wachtwoord 1"}`, true)
	if r := b.do(http.MethodPost, "/api/v1/session", `{"email":"wies.de.vries@example.org","password":"Geheim wachtwoord 77"}`, true); r.status != http.StatusOK {
		t.Fatalf("sign in = %d %s", r.status, r.body)
	}
	b.do(http.MethodGet, "/api/v1/session", "", false)
	volID := ""
	if r := b.do(http.MethodPost, "/api/v1/volunteers", strings.Replace(validVolunteer, `"Anna"`, `"Wies"`, 1), true); r.status == http.StatusCreated {
		var v struct {
			ID string `json:"id"`
		}
		r.json(t, &v)
		volID = v.ID
	} else {
		t.Fatalf("offer = %d %s", r.status, r.body)
	}
	b.do(http.MethodPost, "/api/v1/volunteers", `{"display_name":"Wies","home_location":{"lat":1,"lon":2}}`, true)
	reqID := e.create("/api/v1/requests", strings.Replace(validRequest, "Mevr. J.", "Mevr. Jansen-Bakker", 1))
	e.do(http.MethodPost, "/api/v1/requests/"+reqID+"/matches", "")
	refID := e.create("/api/v1/requests/"+reqID+"/referrals", `{"need":"groceries","option_id":"`+volID+`","note":"Bel aan bij de achterdeur."}`)
	b.do(http.MethodPost, "/api/v1/referrals/"+refID+"/transitions", `{"to":"declined","reason":"Ik ben op vakantie in Zeeland."}`, true)
	b.do(http.MethodGet, "/api/v1/me/export", "", false)
	if r := b.do(http.MethodPost, "/api/v1/password-reset", `{"email":"wies.de.vries@example.org"}`, true); r.status != http.StatusAccepted {
		t.Fatalf("reset = %d %s", r.status, r.body)
	}
	// The reset mail is queued after the answer; wait for it.
	var msgs int64
	for deadline := time.Now().Add(10 * time.Second); msgs == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		queued, err := e.store.Outbox().To(context.Background(), "wies.de.vries@example.org")
		if err != nil {
			t.Fatal(err)
		}
		msgs = int64(len(queued))
	}
	if msgs != 1 {
		t.Fatalf("reset mails queued = %d; want 1", msgs)
	}
	if err := e.app.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"request"`) {
		t.Fatalf("the debug log holds no request lines, so this test checks nothing: %q", out)
	}
	for _, secret := range []string{"wies.de.vries", "Wies", "Vries", "Geheim wachtwoord", "Verkeerd wachtwoord", "Jansen-Bakker",
		"Kookt zelf", "Dochter woont", "achterdeur", "Zeeland", "resident@example.org", "dbr_", "dbt_", "/reset?token="} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	t.Logf("%d log lines checked; %d reset mail(s) queued", strings.Count(out, "\n"), msgs)
}
