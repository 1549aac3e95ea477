package spec

import "slices"

// Equal reports whether p and q hold the same settings; where they are written
// (positions) does not count, so that a reload that only moves a pool in the file
// leaves it running.
func (p *Pool) Equal(q *Pool) bool {
	return p.Name == q.Name && p.AutoStart == q.AutoStart && p.AlwaysRun == q.AlwaysRun &&
		p.QueueLength == q.QueueLength && slices.Equal(p.Env, q.Env) &&
		p.Identity == q.Identity && p.processModelEqual(q) && p.failureEqual(q) &&
		p.Recycling.Equal(q.Recycling) && p.CPU == q.CPU && p.Failing == q.Failing
}

// processModelEqual reports whether p and q have the same processModel settings.
func (p *Pool) processModelEqual(q *Pool) bool {
	return p.MaxProcesses == q.MaxProcesses && p.PingingEnabled == q.PingingEnabled &&
		p.PingInterval == q.PingInterval && p.PingResponseTime == q.PingResponseTime &&
		p.StartupTimeLimit == q.StartupTimeLimit && p.ShutdownTimeLimit == q.ShutdownTimeLimit &&
		p.IdleTimeout == q.IdleTimeout && p.IdleAction == q.IdleAction &&
		p.Orphan == q.Orphan && p.OrphanActionExe == q.OrphanActionExe &&
		p.OrphanActionParams == q.OrphanActionParams
}

// failureEqual reports whether p and q have the same failure settings.
func (p *Pool) failureEqual(q *Pool) bool {
	return p.RapidFail == q.RapidFail && p.RapidFailInterval == q.RapidFailInterval &&
		p.RapidFailMaxCrash == q.RapidFailMaxCrash && p.TCPLevel == q.TCPLevel &&
		p.AutoShutdownExe == q.AutoShutdownExe && p.AutoShutdownParams == q.AutoShutdownParams
}

// Equal reports whether r and s are the same recycling settings.
func (r Recycling) Equal(s Recycling) bool {
	return r.Time == s.Time && r.Requests == s.Requests && slices.Equal(r.Schedule, s.Schedule) &&
		r.MemoryKB == s.MemoryKB && r.PrivateMemoryKB == s.PrivateMemoryKB &&
		r.DisallowOverlappingRotation == s.DisallowOverlappingRotation &&
		r.DisallowRotationOnConfigChange == s.DisallowRotationOnConfigChange &&
		slices.Equal(r.LogEventOnRecycle, s.LogEventOnRecycle)
}

// Equal reports whether a and b are the same application with the same program,
// wherever they are written.
func (a *App) Equal(b *App) bool {
	return a.Site == b.Site && a.Path == b.Path && a.Pool == b.Pool && a.Program.Equal(b.Program)
}

// Equal reports whether p and q start the same process the same way. RequestTimeout,
// which the front end applies per request, is not compared: it can change under
// running workers.
func (p Program) Equal(q Program) bool {
	return p.Path == q.Path && slices.Equal(p.Args, q.Args) && p.Dir == q.Dir &&
		slices.Equal(p.Env, q.Env) && p.StdoutLogEnabled == q.StdoutLogEnabled &&
		p.StdoutLogFile == q.StdoutLogFile && p.StartupTimeLimit == q.StartupTimeLimit &&
		p.Found == q.Found && p.Missing == q.Missing
}
