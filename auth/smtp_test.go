package auth

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal SMTP server on a loopback socket that records
// each mail it is given. It offers STARTTLS when tlsConfig is set and
// AUTH PLAIN when auth is.
type smtpServer struct {
	ln        net.Listener
	tlsConfig *tls.Config
	auth      bool
	wg        sync.WaitGroup

	mu    sync.Mutex
	mails []smtpMail
}

type smtpMail struct {
	From               string
	To                 []string
	Data               string
	TLS                bool // the mail came over TLS
	AuthUser, AuthPass string
	AuthOverTLS        bool
}

func startSMTP(t *testing.T, addr string, tlsConfig *tls.Config, auth bool) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &smtpServer{ln: ln, tlsConfig: tlsConfig, auth: auth}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer conn.Close()
				s.serve(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) hostPort() (string, string) {
	h, p, _ := net.SplitHostPort(s.ln.Addr().String())
	return h, p
}

func (s *smtpServer) received() []smtpMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMail(nil), s.mails...)
}

func (s *smtpServer) serve(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) {
		for _, l := range lines {
			_ = tp.PrintfLine("%s", l)
		}
	}
	reply("220 test.invalid ESMTP ready")
	var cur smtpMail
	tlsOn := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-test.invalid"}
			if s.tlsConfig != nil && !tlsOn {
				ext = append(ext, "250-STARTTLS")
			}
			if s.auth {
				ext = append(ext, "250-AUTH PLAIN")
			}
			reply(append(ext, "250 8BITMIME")...)
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(conn, s.tlsConfig)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, tp, tlsOn = tc, textproto.NewConn(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if mech != "PLAIN" || err != nil || len(parts) != 3 {
				reply("535 bad auth")
				continue
			}
			cur.AuthUser, cur.AuthPass, cur.AuthOverTLS = parts[1], parts[2], tlsOn
			reply("235 ok")
		case "MAIL":
			addr, _, _ := strings.Cut(strings.TrimPrefix(arg, "FROM:<"), ">") // then parameters
			cur.From = addr
			reply("250 ok")
		case "RCPT":
			addr, _, _ := strings.Cut(strings.TrimPrefix(arg, "TO:<"), ">")
			cur.To = append(cur.To, addr)
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data, cur.TLS = string(data), tlsOn
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			cur = smtpMail{AuthUser: cur.AuthUser, AuthPass: cur.AuthPass, AuthOverTLS: cur.AuthOverTLS}
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// parseMail splits a received mail into headers and decoded body.
func parseMail(t *testing.T, data string) (mail.Header, string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("received mail does not parse: %v\n%s", err, data)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding %q", cte)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return msg.Header, string(body)
}

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	s, err := ParseSMTPURL("smtp://mailer:p%40ss@mail.example.org:2525", "dichtbij <noreply@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	if s.Host != "mail.example.org" || s.Port != "2525" || s.Username != "mailer" || s.Password != "p@ss" || s.ImplicitTLS || s.From.Address != "noreply@example.org" {
		t.Errorf("ParseSMTPURL = %+v", s)
	}
	if str := s.String(); strings.Contains(str, "p@ss") || strings.Contains(str, "p%40ss") || !strings.Contains(str, "mailer@mail.example.org:2525") {
		t.Errorf("String() = %q; want it without the password", str)
	}
	if s, err := ParseSMTPURL("smtp://mail.example.org", "noreply@example.org"); err != nil || s.Port != "587" || s.Username != "" {
		t.Errorf("smtp default = %+v, %v", s, err)
	}
	if s, err := ParseSMTPURL("smtps://mail.example.org", "noreply@example.org"); err != nil || s.Port != "465" || !s.ImplicitTLS {
		t.Errorf("smtps default = %+v, %v", s, err)
	}
	for _, bad := range []string{"", "http://mail.example.org", "smtp://", "smtp://mail.example.org:0", "smtp://mail.example.org:x",
		"smtp://mail.example.org/path", "smtp://mail.example.org?tls=no", "smtp://u:p@%zz"} {
		if _, err := ParseSMTPURL(bad, "noreply@example.org"); err == nil {
			t.Errorf("ParseSMTPURL(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "p@") {
			t.Errorf("ParseSMTPURL(%q) error shows the password: %v", bad, err)
		}
	}
	if _, err := ParseSMTPURL("smtp://mail.example.org", "not an address"); err == nil {
		t.Error("ParseSMTPURL accepted a bad from address")
	}
}

func TestSMTPSenderPlain(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, "127.0.0.1:0", nil, true)
	host, port := srv.hostPort()
	s, err := ParseSMTPURL("smtp://mailer:secret@"+net.JoinHostPort(host, port), "dichtbij <noreply@dichtbij.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	body := "Hallo Zoë,\n\n" + strings.Repeat("een lange regel ", 12) + "\n.\n..begins with dots\nhttps://dichtbij.example.org/reset?token=abc-DEF_123=\n"
	m := Message{To: "zoe@example.org", Subject: "Nieuw wachtwoord – dichtbij", Body: body}
	m.ID = "6b0300000000000000000077"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send = %v", err)
	}
	mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("server received %d mails; want 1", len(mails))
	}
	got := mails[0]
	if got.From != "noreply@dichtbij.example.org" || len(got.To) != 1 || got.To[0] != "zoe@example.org" {
		t.Errorf("envelope MAIL FROM %q RCPT TO %v", got.From, got.To)
	}
	if got.AuthUser != "mailer" || got.AuthPass != "secret" {
		t.Errorf("AUTH PLAIN gave %q/%q; want mailer/secret (allowed in plain text on loopback only)", got.AuthUser, got.AuthPass)
	}
	h, gotBody := parseMail(t, got.Data)
	if subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil || subj != m.Subject {
		t.Errorf("Subject %q (%v); want %q", subj, err, m.Subject)
	}
	if h.Get("To") != "<zoe@example.org>" || !strings.Contains(h.Get("From"), "<noreply@dichtbij.example.org>") ||
		h.Get("Message-Id") != "<6b0300000000000000000077@dichtbij.example.org>" || h.Get("Date") == "" {
		t.Errorf("headers %v", h)
	}
	// (The server's dot reader turns the wire's CRLF into LF.)
	if gotBody != body {
		t.Errorf("body after decoding:\n%q\nwant\n%q", gotBody, body)
	}
	for _, line := range strings.Split(got.Data, "\n") {
		if len(line) > 78 {
			t.Errorf("line of %d characters in the wire form: %q", len(line), line)
		}
	}
}

func TestSMTPSenderRefusesPlainTextCredentialsToRemote(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, "127.0.0.2:0", nil, true)
	host, port := srv.hostPort()
	s, err := ParseSMTPURL("smtp://mailer:secret@"+net.JoinHostPort(host, port), "noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "s", Body: "b"}); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("Send = %v; want AUTH refused: credentials to a non-loopback name without TLS", err)
	}
	if mails := srv.received(); len(mails) != 0 {
		t.Errorf("server received %v", mails)
	}
}

func TestSMTPSenderSTARTTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	srv := startSMTP(t, "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, true)
	host, port := srv.hostPort()
	s, err := ParseSMTPURL("smtp://mailer:secret@"+net.JoinHostPort(host, port), "noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	// Unknown certificate: the sender refuses to go on.
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "s", Body: "b"}); err == nil {
		t.Error("Send went on with an untrusted certificate")
	}
	s.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "s", Body: "over TLS"}); err != nil {
		t.Fatalf("Send = %v", err)
	}
	mails := srv.received()
	if len(mails) != 1 || !mails[0].TLS || !mails[0].AuthOverTLS || mails[0].AuthPass != "secret" {
		t.Fatalf("received %+v; want one mail and the credentials over TLS", mails)
	}
	if _, body := parseMail(t, mails[0].Data); body != "over TLS\n" {
		t.Errorf("body %q", body)
	}
}

func TestSMTPSenderTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts and never greets
		conn, err := ln.Accept()
		if err == nil {
			_, _ = bufio.NewReader(conn).ReadString('\n')
			conn.Close()
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	s, _ := ParseSMTPURL("smtp://"+net.JoinHostPort(host, port), "noreply@example.org")
	s.Timeout = 200 * time.Millisecond
	start := time.Now()
	err = s.Send(context.Background(), Message{To: "a@example.org", Subject: "s", Body: "b"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("Send to a silent server = %v after %v; want a timeout error", err, time.Since(start))
	}
}

// TestResetMailEndToEnd: a reset link travels from StartReset through
// the outbox and SMTP and still works when it arrives.
func TestResetMailEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "bob@example.org", RoleResident)
	srv := startSMTP(t, "127.0.0.1:0", nil, false)
	host, port := srv.hostPort()
	s, err := ParseSMTPURL("smtp://"+net.JoinHostPort(host, port), "dichtbij <noreply@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.StartReset(ctx, "bob@example.org", baseURL); err != nil {
		t.Fatal(err)
	}
	if sent, err := e.accounts.Outbox().Deliver(ctx, s); sent != 1 || err != nil {
		t.Fatalf("Deliver = %d, %v", sent, err)
	}
	mails := srv.received()
	if len(mails) != 1 || mails[0].To[0] != "bob@example.org" {
		t.Fatalf("received %+v", mails)
	}
	_, body := parseMail(t, mails[0].Data)
	match := linkRE.FindStringSubmatch(body)
	if match == nil {
		t.Fatalf("no link in the mail:\n%s", body)
	}
	if err := e.accounts.FinishReset(ctx, match[1], "a password from mail"); err != nil {
		t.Errorf("FinishReset with the mailed link = %v", err)
	}
	if _, err := e.accounts.Authenticate(ctx, "bob@example.org", "a password from mail"); err != nil {
		t.Errorf("login = %v", err)
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
