package whatsapp

import (
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// Logger passes whatsmeow's log to slog. Its info and warning lines name
// chats and senders (phone numbers), so they go out at debug level only;
// its errors at error level.
func Logger(l *slog.Logger, module string) waLog.Logger { return logger{l: l.With("module", module)} }

type logger struct{ l *slog.Logger }

func (g logger) Errorf(msg string, args ...any) { g.l.Error("whatsmeow: " + fmt.Sprintf(msg, args...)) }
func (g logger) Warnf(msg string, args ...any)  { g.l.Debug("whatsmeow: " + fmt.Sprintf(msg, args...)) }
func (g logger) Infof(msg string, args ...any)  { g.l.Debug("whatsmeow: " + fmt.Sprintf(msg, args...)) }
func (g logger) Debugf(msg string, args ...any) { g.l.Debug("whatsmeow: " + fmt.Sprintf(msg, args...)) }
func (g logger) Sub(module string) waLog.Logger { return logger{l: g.l.With("sub", module)} }
