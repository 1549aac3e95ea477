// Package eventlog writes the runtime's log records (its events among them) for the
// reader at hand: JSON lines for programs, one plain line per record for a person at a
// terminal, and journald's native protocol when standard error goes to the journal.
//
// An event record is a log/slog record whose attribute "event" (or, for the front
// end's records, "id") is an integer: the event ID. Its attributes "pool", "site",
// "app", "pid" and "reason" are the event's fields (see runtime/event.Event).
//
// The text form is one line per record:
//
//	2026-12-05 16:04:05.123 warning 5010 pool=Default pid=4242 worker did not answer a ping in time (no answer within 90s)
//
// the time, the level, the event ID (records without one leave it out), the pool,
// site, app and pid fields, the record's other attributes as key=value, the message,
// and then the reason, and any "err" or "error" attribute, in parentheses. Values
// with spaces, quotes, "=" or control characters are quoted as Go strings; control
// characters in the message and the reason are escaped, so a record is one line.
//
// The journal form sends one datagram per record to journald's socket: MESSAGE (the
// text line without the time and the level, which the journal keeps itself),
// PRIORITY (syslog's: error 3, warning 4, info 6, debug 7), SYSLOG_IDENTIFIER=poolctl,
// POOLCTL_EVENT_ID, POOL, SITE, APP, WORKER_PID, REASON, and one field per other
// attribute, its key upper-cased. When journald cannot be reached, the record is
// written to the stream instead, as the MESSAGE text after the "<N>" priority prefix
// that journald reads from a service's standard error.
//
// The JSON form is log/slog's JSON handler, unchanged.
package eventlog
