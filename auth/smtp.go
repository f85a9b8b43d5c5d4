package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SMTPSender sends messages through one SMTP server with net/smtp. With
// the "smtp" scheme it upgrades to TLS with STARTTLS whenever the server
// offers it, and otherwise sends in plain text, which only a relay on a
// trusted network should accept; with "smtps" it speaks TLS from the
// start. A certificate that does not verify stops the send. Credentials
// are only ever sent over TLS or to a server on the loopback interface
// (net/smtp's PlainAuth refuses otherwise).
type SMTPSender struct {
	Host     string
	Port     string
	Username string
	Password string
	// ImplicitTLS is set by the "smtps" scheme.
	ImplicitTLS bool
	// From is the sender, possibly with a display name.
	From *mail.Address
	// TLSConfig verifies the server; nil verifies Host against the
	// system's roots.
	TLSConfig *tls.Config
	// Timeout bounds one message's whole conversation; 0 means 30 s.
	Timeout time.Duration
	// LocalName is the name given in EHLO; empty means "localhost".
	LocalName string
}

// ParseSMTPURL returns a sender for a URL such as
// "smtp://user:pass@mail.example.org:587" (default port 587) or
// "smtps://user:pass@mail.example.org" (default port 465), sending as
// from (e.g. "dichtbij <noreply@example.org>").
func ParseSMTPURL(raw, from string) (*SMTPSender, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's error repeats the URL, password included.
		return nil, errors.New("auth: SMTP URL is not a URL")
	}
	s := &SMTPSender{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
		if s.Port == "" {
			s.Port = "587"
		}
	case "smtps":
		s.ImplicitTLS = true
		if s.Port == "" {
			s.Port = "465"
		}
	default:
		return nil, fmt.Errorf("auth: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("auth: SMTP URL has no host")
	}
	if n, err := strconv.Atoi(s.Port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("auth: SMTP URL port %q is not a port", s.Port)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, errors.New("auth: SMTP URL has a path, query or fragment; want scheme://user:pass@host:port")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if s.From, err = mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("auth: SMTP from address %q: %w", from, err)
	}
	return s, nil
}

// Send delivers m in one SMTP conversation.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if s.From == nil {
		return errors.New("auth: smtp: no from address")
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, s.Port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("auth: smtp: %w", err)
	}
	// net/smtp knows no contexts: the deadline bounds every read and
	// write, and cancelling ctx breaks off a conversation under way.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	tlsConfig := s.tlsConfig()
	if s.ImplicitTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("auth: smtp %s: %w", addr, err)
	}
	defer c.Close()
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("auth: smtp %s: %s: %w", addr, what, err)
		}
		return nil
	}
	localName := s.LocalName
	if localName == "" {
		localName = "localhost"
	}
	if err := step("EHLO", c.Hello(localName)); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.ImplicitTLS {
		if err := step("STARTTLS", c.StartTLS(tlsConfig)); err != nil {
			return err
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("auth: smtp %s: server offers no AUTH but credentials are configured", addr)
		}
		if err := step("AUTH", c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host))); err != nil {
			return err
		}
	}
	if err := step("MAIL FROM", c.Mail(s.From.Address)); err != nil {
		return err
	}
	if err := step("RCPT TO", c.Rcpt(m.To)); err != nil {
		return err
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return err
	}
	msg, err := s.format(m, time.Now())
	if err != nil {
		_ = w.Close()
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return step("DATA", err)
	}
	if err := step("end of DATA", w.Close()); err != nil {
		return err
	}
	return step("QUIT", c.Quit())
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		cfg := s.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
		return cfg
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// format writes m as a plain-text UTF-8 message, quoted-printable so that
// long lines and non-ASCII survive any relay. Every header value comes
// from a validated address or an encoded single-line subject, so nothing
// in a message can add headers.
func (s *SMTPSender) format(m Message, now time.Time) ([]byte, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("auth: smtp: line break in a header")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("auth: smtp: recipient: %w", err)
	}
	_, domain, _ := strings.Cut(s.From.Address, "@")
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", s.From.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+m.ID+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, fmt.Errorf("auth: smtp: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("auth: smtp: encode body: %w", err)
	}
	// The DATA writer ends the last line, if need be, and the message.
	return b.Bytes(), nil
}

// String describes the sender without its password, for logs.
func (s *SMTPSender) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(s.Host, s.Port)}
	if s.Username != "" {
		u.User = url.User(s.Username)
	}
	return u.String()
}
