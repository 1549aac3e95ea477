// Package testworker is a worker program for the tests and benchmarks of poolctl's
// runtime: an HTTP server on 127.0.0.1:$ASPNETCORE_PORT (else $PORT) that misbehaves on
// demand. poolctl runs it as the hidden command "__testworker"; a test binary can run
// Main itself when an environment variable of its own says so.
//
// Behaviours, chosen by environment variables:
//
//	TW_START_DELAY=duration    wait that long (time.ParseDuration) before listening
//	TW_EXIT_AT_ONCE=code       exit with that code before listening
//	TW_CRASH_AFTER=N           exit 3 once the response to the Nth request that is
//	                           not a ping has been sent
//	TW_PING_HANG_AFTER=N       answer the first N pings, then hang every ping until
//	                           the client gives up (other requests are still served)
//	TW_UNHEALTHY_AFTER=N       from the Nth ping on, answer pings with the header
//	                           "X-Poolctl-Unhealthy: testworker: told to"
//	TW_IGNORE_SIGTERM=1        ignore SIGTERM (it is received and dropped); otherwise
//	                           SIGTERM makes the server finish the requests in flight
//	                           and exit 0
//	TW_FORK_GRANDCHILD=1       at start, start a grandchild: this program again, with
//	                           TW_GRANDCHILD=1, in the same process group
//	TW_GRANDCHILD_SETSID=1     the grandchild calls setsid (leaves the group)
//	TW_GRANDCHILD=1            be the grandchild: sleep until killed
//	TW_HEAP_MB=N               hold N MB of heap, every page written, for the worker's
//	                           life: a worker with memory for suspend to page out
//	TW_ECHO_ENV=NAME1,NAME2    more variables for /whoami to show
//
// Pings (counted from 1) are the first one a worker's WaitReady sends, then those of
// Ping: any request with the header X-Poolctl-Ping, whatever its path, answered 200
// "pong".
//
// Endpoints, for other requests:
//
//	/whoami       200, JSON (Whoami): pid, ppid, pgid, uid, gid, port, working
//	              directory, grandchild pid, and the variables ASPNETCORE_PORT, PORT,
//	              TW_*, POOLCTL_* and those TW_ECHO_ENV names
//	/burn?ms=N    200 "burnt" after N milliseconds spent on the CPU
//	/sleep?ms=N   200 after N milliseconds
//	/crash        exit 3 at once, without a response
//	/break        500 to it and to every request after it (pings still pong)
//	anything else 200 "hello from testworker pid PID app PATH\n", PATH being the
//	              request's path
//
// It prints one line to stdout when it listens and nothing per request. Exit codes: 0
// after SIGTERM, 2 for a bad environment or a port it cannot listen on, 3 for a crash
// asked for, or TW_EXIT_AT_ONCE's code.
//
// It builds on unix systems only; on other systems (Windows) the package is empty.
package testworker
