// Package spec turns an applicationHost.config into what `poolctl run` runs: the
// sites' http bindings and applications, each application's program (from its
// system.webServer/aspNetCore settings), and each pool's processModel, failure,
// recycling and cpu settings as typed values, durations already multiplied by the
// time scale.
package spec

import (
	"strconv"
	"strings"
	"time"

	"github.com/poolctl/poolctl/parse"
)

// Spec is everything the runtime runs.
type Spec struct {
	Sites []*Site
	Pools []*Pool // in document order
}

// Site is a site with its http bindings and applications.
type Site struct {
	Name      string
	ID        string
	AutoStart bool // serverAutoStart: false leaves the site without listeners
	Bindings  []Binding
	Apps      []*App // longest path first, so that the first match is the longest
	Pos       parse.Pos
}

// Binding is one http or https binding: bindingInformation "IP:port:host".
type Binding struct {
	Addr string // "" for all addresses ("*"), else an IP address
	Port int
	Host string // "" for any host; compared case-insensitively
	// TLS is true for an https binding, whose certificate the front end finds as
	// IIS's Centralized Certificate Store does (runtime/certs).
	TLS bool
	// SSLFlags is the binding's sslFlags: 1 SNI, 2 Centralized Certificate Store,
	// 3 both; 0 an IP-bound certificate. It decides nothing the front end does today
	// (the certificate is chosen by the client's SNI name, else by the address), and
	// is kept for events and the admin API.
	SSLFlags int
	Pos      parse.Pos
}

// Info returns the binding as bindingInformation writes it: "*:443:shop.example.com",
// "[::1]:80:".
func (b Binding) Info() string {
	addr := b.Addr
	switch {
	case addr == "":
		addr = "*"
	case strings.Contains(addr, ":"):
		addr = "[" + addr + "]"
	}
	return addr + ":" + strconv.Itoa(b.Port) + ":" + b.Host
}

// Scheme returns "https" or "http".
func (b Binding) Scheme() string {
	if b.TLS {
		return "https"
	}
	return "http"
}

// App is an application: its path in its site, its pool and its program.
type App struct {
	Site    string
	Path    string // "/", "/api": no trailing slash but for the root
	Pool    string // the pool's name as the pool spells it
	Program Program
	Pos     parse.Pos
}

// Program is the process that serves an application: the effective aspNetCore
// settings of its location, from applicationHost.config and the web.config in its
// physical path, the deeper one winning.
type Program struct {
	Path             string   // processPath, %VARS% expanded
	Args             []string // arguments, %VARS% expanded, split as a POSIX shell splits words
	Dir              string   // the application's physical path, %VARS% expanded, / for \
	Env              []string // "NAME=value": aspNetCore environmentVariables
	StdoutLogEnabled bool
	StdoutLogFile    string        // %VARS% expanded, / for \
	StartupTimeLimit time.Duration // aspNetCore startupTimeLimit; 0 when not set
	Found            bool          // an aspNetCore section applies at all
	// Missing says why the application has nothing to run, when Path is empty: no
	// aspNetCore section applies, or the one that applies cannot be used.
	Missing string
	// RequestTimeout is aspNetCore requestTimeout, how long the worker may take to
	// send a response's head, when set: 0 when not (the module's default, 2
	// minutes, applies), NoTimeout for "00:00:00" (the module's WinHTTP waits
	// without limit).
	RequestTimeout time.Duration
}

// NoTimeout is a RequestTimeout without limit.
const NoTimeout time.Duration = -1

// Runnable reports whether the program can be started: it has a processPath.
func (p Program) Runnable() bool { return p.Path != "" }

// Pool is one application pool's settings for the runtime.
type Pool struct {
	Name        string
	AutoStart   bool
	AlwaysRun   bool // startMode AlwaysRunning
	QueueLength int
	Env         []string // the pool's environmentVariables, "NAME=value"

	Identity Identity

	MaxProcesses      int // 0 = one per NUMA node
	PingingEnabled    bool
	PingInterval      time.Duration
	PingResponseTime  time.Duration
	StartupTimeLimit  time.Duration
	ShutdownTimeLimit time.Duration
	IdleTimeout       time.Duration // 0 = never
	IdleAction        string        // "Terminate" or "Suspend"

	RapidFail          bool
	RapidFailInterval  time.Duration
	RapidFailMaxCrash  int
	TCPLevel           bool // loadBalancerCapabilities TcpLevel: reset, not 503
	AutoShutdownExe    string
	AutoShutdownParams string
	Orphan             bool
	OrphanActionExe    string
	OrphanActionParams string

	Recycling Recycling
	CPU       CPU
	// Failing is poolctl's failing-response detection (the failingResponses element
	// of its schema extension); off unless the file turns it on.
	Failing FailingResponses

	Pos parse.Pos
}

// FailingResponses is the pool's failingResponses element: a worker whose share of
// 5xx answers over Window is at least FailureRate percent (of at least MinRequests
// answers) and, in a web garden, at least PoolRatio times its siblings' share, is
// recycled.
type FailingResponses struct {
	Enabled     bool
	Window      time.Duration
	MinRequests int64
	FailureRate int64 // percent, 1 to 100
	PoolRatio   int64
}

// Identity is the account a pool's workers run as.
type Identity struct {
	Type     string // LocalSystem, LocalService, NetworkService, SpecificUser, ApplicationPoolIdentity
	UserName string // SpecificUser
	// HasPassword is true when a password is set; the runtime decrypts it (package
	// secret) to prove the key works and never passes it on.
	HasPassword bool
}

// Recycling is recycling.periodicRestart and its options.
type Recycling struct {
	Time                           time.Duration // 0 = never
	Requests                       int64         // 0 = never
	Schedule                       []time.Duration
	MemoryKB, PrivateMemoryKB      int64
	DisallowOverlappingRotation    bool
	DisallowRotationOnConfigChange bool
	LogEventOnRecycle              []string // the flags' names
}

// CPU is the pool's cpu element.
type CPU struct {
	Limit                int64 // 1/1000 of a percent; 0 = none
	Action               string
	ResetInterval        time.Duration
	SMPAffinitized       bool
	SMPMask, SMPMask2    uint64
	NUMANodeAssignment   string
	NUMANodeAffinityMode string
}

// Options tune Build.
type Options struct {
	// TimeScale multiplies every configured duration; 0 means 1.
	TimeScale float64
	// Getenv looks up %NAME% variables; nil means os.Getenv.
	Getenv func(string) string
	// ReadFile reads web.config files, which application owners control; nil means
	// ReadWebConfig.
	ReadFile func(string) ([]byte, error)
	// ReadTimeout is how long a read of one web.config may take before Build gives up
	// on it (and the application gets no program); 0 means DefaultReadTimeout.
	ReadTimeout time.Duration
}

// Warning is something Build could not use, with where it is written: an https
// binding (not supported by the runtime), an application whose pool does not exist.
type Warning struct {
	Pos  parse.Pos
	Msg  string
	Kind WarningKind
}

// WarningKind says what a Warning is about.
type WarningKind int

// The kinds of warnings.
const (
	// SettingWarning: a setting the runtime cannot use as written: an application's
	// pool, its aspNetCore settings or web.config.
	SettingWarning WarningKind = iota
	// BindingWarning: a binding the runtime does not serve (not http or https,
	// malformed, or https on a port that another binding serves as http).
	BindingWarning
)
