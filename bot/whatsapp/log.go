package whatsapp

import (
	"fmt"
	"log/slog"
	"regexp"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// Logger passes whatsmeow's log to slog, at its own levels (info as debug),
// with the phone numbers and ids its lines carry hidden.
func Logger(l *slog.Logger, module string) waLog.Logger { return logger{l: l.With("module", module)} }

type logger struct{ l *slog.Logger }

// personal matches JIDs ("996555123456@s.whatsapp.net", "123@lid",
// "996555123456:12@s.whatsapp.net") and bare runs of 9 or more digits.
var personal = regexp.MustCompile(`\+?\d+(?:[.:]\d+)*@[a-z.]+|\+?\d{9,}`)

func (g logger) line(msg string, args []any) string {
	return "whatsmeow: " + personal.ReplaceAllString(fmt.Sprintf(msg, args...), "<id>")
}

func (g logger) Errorf(msg string, args ...any) { g.l.Error(g.line(msg, args)) }
func (g logger) Warnf(msg string, args ...any)  { g.l.Warn(g.line(msg, args)) }
func (g logger) Infof(msg string, args ...any)  { g.l.Debug(g.line(msg, args)) }
func (g logger) Debugf(msg string, args ...any) { g.l.Debug(g.line(msg, args)) }
func (g logger) Sub(module string) waLog.Logger { return logger{l: g.l.With("sub", module)} }
