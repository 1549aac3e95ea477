package printers

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// WriteRequestsText writes the requests in flight as a table, one request a line, the
// longest-running first as given: ELAPSED (milliseconds), POOL, SITE, PID ("queued"
// while the request waits for a worker), METHOD, URL and CLIENT.
func WriteRequestsText(out io.Writer, reqs []Request) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ELAPSED\tPOOL\tSITE\tPID\tMETHOD\tURL\tCLIENT")
	for _, r := range reqs {
		pid := "queued"
		if r.PID != 0 {
			pid = strconv.Itoa(r.PID)
		}
		fmt.Fprintf(tw, "%d ms\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Elapsed/time.Millisecond, r.Pool, r.Site, pid, r.Method, r.URL, r.Client)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write requests: %w", err)
	}
	return nil
}
