package eventlog

import (
	"encoding/binary"
	"log/slog"
	"strconv"
	"strings"
)

// identifier is the journal's SYSLOG_IDENTIFIER for poolctl's records.
const identifier = "poolctl"

// maxFieldName is the longest field name journald accepts.
const maxFieldName = 64

// reservedFields are the journal's own fields (its user fields with a meaning, and
// this package's): an attribute whose name would be one gets the POOLCTL_ prefix.
var reservedFields = map[string]bool{
	"MESSAGE": true, "MESSAGE_ID": true, "PRIORITY": true, "CODE_FILE": true,
	"CODE_LINE": true, "CODE_FUNC": true, "ERRNO": true, "INVOCATION_ID": true,
	"USER_INVOCATION_ID": true, "SYSLOG_FACILITY": true, "SYSLOG_IDENTIFIER": true,
	"SYSLOG_PID": true, "SYSLOG_TIMESTAMP": true, "SYSLOG_RAW": true,
	"DOCUMENTATION": true, "TID": true, "UNIT": true, "USER_UNIT": true,
	"POOLCTL_EVENT_ID": true, "WORKER_PID": true,
}

// sendJournal sends e to journald; when journald does not take it, it writes e to w
// as a line after its priority prefix, which journald reads from a stream.
func (o *output) sendJournal(e *entry) error {
	if err := sendDatagram(o.socket, journalEntry(e)); err == nil {
		return nil
	}
	return o.write("<" + strconv.Itoa(priority(e.level)) + ">" + e.textLine(false, true) + "\n")
}

// journalEntry encodes e in journald's native protocol.
func journalEntry(e *entry) []byte {
	b := appendField(nil, "MESSAGE", e.textLine(false, false))
	b = appendField(b, "PRIORITY", strconv.Itoa(priority(e.level)))
	b = appendField(b, "SYSLOG_IDENTIFIER", identifier)
	if e.hasID {
		b = appendField(b, "POOLCTL_EVENT_ID", strconv.FormatInt(e.id, 10))
	}
	for i, k := range knownKeys {
		if e.known[i] == "" {
			continue
		}
		name := strings.ToUpper(k)
		if k == "pid" {
			name = "WORKER_PID" // the process the event is about, not poolctl (_PID)
		}
		b = appendField(b, name, e.known[i])
	}
	for _, f := range e.others {
		b = appendAttr(b, f)
	}
	for _, f := range e.reasons {
		b = appendAttr(b, f)
	}
	return b
}

// appendAttr appends an attribute as a field named for its groups and key.
func appendAttr(b []byte, f field) []byte {
	name := fieldName(f.path)
	if name == "" {
		return b
	}
	return appendField(b, name, valueString(f.val))
}

// priority returns syslog's priority for a level: error 3, warning 4, info 6, debug 7.
func priority(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	}
	return 7
}

// fieldName returns a journal field's name for an attribute's groups and key: upper
// case, "_" for what is not a letter or a digit and between the parts, POOLCTL_ before
// a name that would start with "_" or a digit or be a reserved one, at most 64 bytes;
// "" when nothing of it remains.
func fieldName(path []string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, strings.Join(path, "_"))
	if strings.Trim(name, "_") == "" {
		return ""
	}
	if name[0] == '_' || (name[0] >= '0' && name[0] <= '9') || reservedFields[name] ||
		strings.HasPrefix(name, "OBJECT_") {
		name = "POOLCTL_" + name
	}
	return name[:min(len(name), maxFieldName)]
}

// appendField appends a field in the native protocol: NAME=value and a newline, or,
// for a value with a newline, NAME, a newline, the value's length as 64-bit little
// endian, the value and a newline.
func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	if !strings.Contains(value, "\n") {
		b = append(b, '=')
		b = append(b, value...)
		return append(b, '\n')
	}
	b = append(b, '\n')
	b = binary.LittleEndian.AppendUint64(b, uint64(len(value)))
	b = append(b, value...)
	return append(b, '\n')
}
