// Command h2floor is net/http's HTTP/2 server answering from memory, for
// bench/run.sh: what the Go team's HTTP/2 implementation costs a request on its own,
// with no worker behind it and nothing proxied, under the same limits as poolctl
// run's front end. Its CPU a request is the least that poolctl's HTTP/2, which runs
// on that server and then forwards each stream, can cost.
//
//	h2floor ADDR CERT KEY
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: h2floor ADDR CERT KEY")
		os.Exit(2)
	}
	// The test worker's answer to GET /, as poolctl passes it on.
	body := []byte("hello from testworker pid " + strconv.Itoa(os.Getpid()) + " app /\n")
	srv := &http.Server{
		Addr: os.Args[1],
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = []string{"text/plain; charset=utf-8"}
			w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
			w.Write(body)
		}),
		// poolctl run's limits (runtime/frontend/h2.go).
		MaxHeaderBytes: 16 << 10,
		HTTP2:          &http.HTTP2Config{MaxConcurrentStreams: 100, MaxReadFrameSize: 16 << 10},
	}
	if err := srv.ListenAndServeTLS(os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "h2floor:", err)
		os.Exit(1)
	}
}
