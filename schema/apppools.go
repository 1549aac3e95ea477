package schema

// ApplicationPoolsPath is the path of the application pools section.
const ApplicationPoolsPath = "system.applicationHost/applicationPools"

// applicationPools declares system.applicationHost/applicationPools: a collection of
// <add> elements (one per pool) and <applicationPoolDefaults>, whose attributes and
// children are the same as a pool's but for the name's key and required flags.
func applicationPools() elemSpec {
	return elemSpec{
		name: "applicationPools",
		coll: &collSpec{
			add:            "add",
			defaultElement: "applicationPoolDefaults",
			item:           pool(false),
		},
		elems: []elemSpec{withName(pool(true), "applicationPoolDefaults")},
	}
}

func withName(s elemSpec, name string) elemSpec {
	s.name = name
	s.isDefault = true
	return s
}

// pool declares a pool's <add> element, or <applicationPoolDefaults> when defaults is
// true. IIS 7.0's schema differs between the two in places (see processModel and
// failure); so does every version in the name attribute.
func pool(defaults bool) elemSpec {
	name := attr("name", String, validator(ApplicationPoolName))
	if !defaults {
		name = attr("name", String, required, uniqueKey, validator(ApplicationPoolName))
	}
	return elemSpec{
		attrs: []attrSpec{
			name,
			attr("queueLength", Uint, def("1000"), intRange(10, 65535)),
			attr("autoStart", Bool, def("true")),
			attr("enable32BitAppOnWin64", Bool, def("false")),
			attr("managedRuntimeVersion", String, def("v2.0"), from(IIS80, def(""))),
			attr("managedRuntimeLoader", String, def("webengine4.dll")),
			attr("enableConfigurationOverride", Bool, def("true")),
			attr("managedPipelineMode", Enum, def("Integrated"), enum(ev("Integrated", 0), ev("Classic", 1))),
			attr("CLRConfigFile", String, def(""), expanded, since(IIS75)),
			attr("passAnonymousToken", Bool, def("true")),
			attr("startMode", Enum, def("OnDemand"), since(IIS75), enum(ev("OnDemand", 0), ev("AlwaysRunning", 1))),
		},
		elems: []elemSpec{processModel(), recycling(), failure(defaults), cpu(defaults), environmentVariables()},
	}
}

func processModel() elemSpec {
	return elemSpec{
		name: "processModel",
		attrs: []attrSpec{
			attr("identityType", Enum, def("NetworkService"),
				enum(ev("LocalSystem", 0), ev("LocalService", 1), ev("NetworkService", 2), ev("SpecificUser", 3), ev("ApplicationPoolIdentity", 4)),
				from(IIS75, def("ApplicationPoolIdentity"))),
			attr("userName", String),
			attr("password", String, caseSensitive, encrypted, def("[enc:IISWASOnlyAesProvider::enc]")),
			attr("loadUserProfile", Bool, def("false")),
			attr("setProfileEnvironment", Bool, def("true"), since(IIS75)),
			attr("logonType", Enum, def("LogonBatch"), since(IIS75), enum(ev("LogonBatch", 0), ev("LogonService", 1))),
			attr("manualGroupMembership", Bool, def("false")),
			attr("idleTimeout", TimeSpanType, def("00:20:00"), timeRange(0, 2592000, 60)),
			attr("idleTimeoutAction", Enum, def("Terminate"), since(IIS85), enum(ev("Terminate", 0), ev("Suspend", 1))),
			attr("maxProcesses", Uint, def("1"), intRange(1, 2147483647), from(IIS80, intRange(0, 2147483647))),
			attr("shutdownTimeLimit", TimeSpanType, def("00:01:30"), timeRange(1, 4294967, 1)),
			attr("startupTimeLimit", TimeSpanType, def("00:01:30"), timeRange(1, 4294967, 1)),
			attr("pingingEnabled", Bool, def("true")),
			attr("pingInterval", TimeSpanType, def("00:00:30"), timeRange(1, 4294967, 1)),
			attr("pingResponseTime", TimeSpanType, def("00:01:30"), timeRange(1, 4294967, 1)),
			attr("logEventOnProcessModel", Flags, def("IdleTimeout"), since(IIS80), flags(ev("IdleTimeout", 1))),
		},
	}
}

func recycling() elemSpec {
	return elemSpec{
		name: "recycling",
		attrs: []attrSpec{
			attr("disallowOverlappingRotation", Bool, def("false")),
			attr("disallowRotationOnConfigChange", Bool, def("false")),
			attr("logEventOnRecycle", Flags, def("Time, Memory, PrivateMemory"),
				flags(ev("Time", 1), ev("Requests", 2), ev("Schedule", 4), ev("Memory", 8),
					ev("IsapiUnhealthy", 16), ev("OnDemand", 32), ev("ConfigChange", 64), ev("PrivateMemory", 128)),
				from(IIS10, def("Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory"))),
		},
		elems: []elemSpec{{
			name: "periodicRestart",
			attrs: []attrSpec{
				attr("memory", Uint, def("0")),
				attr("privateMemory", Uint, def("0")),
				attr("requests", Uint, def("0")),
				attr("time", TimeSpanType, def("29:00:00"), timeRange(0, 25920000, 60)),
			},
			elems: []elemSpec{{
				name: "schedule",
				coll: &collSpec{add: "add", clear: "clear", item: elemSpec{attrs: []attrSpec{
					attr("value", TimeSpanType, required, uniqueKey, timeRange(0, 86399, 60)),
				}}},
			}},
		}},
	}
}

// failure declares <failure>. In IIS 7.0 rapidFailProtectionMaxCrashes has its
// integerRange validator on pools but not yet in <applicationPoolDefaults>.
func failure(defaults bool) elemSpec {
	maxCrashes := attr("rapidFailProtectionMaxCrashes", Uint, def("5"), intRange(1, 2147483647))
	if defaults {
		maxCrashes = attr("rapidFailProtectionMaxCrashes", Uint, def("5"), from(IIS75, intRange(1, 2147483647)))
	}
	return elemSpec{
		name: "failure",
		attrs: []attrSpec{
			attr("loadBalancerCapabilities", Enum, def("HttpLevel"), enum(ev("TcpLevel", 1), ev("HttpLevel", 2))),
			attr("orphanWorkerProcess", Bool, def("false")),
			attr("orphanActionExe", String, expanded),
			attr("orphanActionParams", String, expanded),
			attr("rapidFailProtection", Bool, def("true")),
			attr("rapidFailProtectionInterval", TimeSpanType, def("00:05:00"), timeRange(60, 8640000, 60)),
			maxCrashes,
			attr("autoShutdownExe", String, expanded),
			attr("autoShutdownParams", String, expanded),
		},
	}
}

// cpu declares <cpu>. In IIS 7.0 smpProcessorAffinityMask2 is declared on pools but
// not yet in <applicationPoolDefaults>.
func cpu(defaults bool) elemSpec {
	mask2 := attr("smpProcessorAffinityMask2", Uint, def("4294967295"))
	if defaults {
		mask2 = attr("smpProcessorAffinityMask2", Uint, def("4294967295"), since(IIS75))
	}
	return elemSpec{
		name: "cpu",
		attrs: []attrSpec{
			attr("limit", Uint, def("0"), intRange(0, 100000)),
			attr("action", Enum, def("NoAction"), enum(ev("NoAction", 0), ev("KillW3wp", 1),
				evSince(IIS80, "Throttle", 2), evSince(IIS80, "ThrottleUnderLoad", 3))),
			attr("resetInterval", TimeSpanType, def("00:05:00"), timeRange(0, 86400, 60)),
			attr("smpAffinitized", Bool, def("false")),
			attr("smpProcessorAffinityMask", Uint, def("4294967295")),
			mask2,
			attr("processorGroup", Int, def("0"), since(IIS80), intRange(0, 2147483647)),
			attr("numaNodeAssignment", Enum, def("MostAvailableMemory"), since(IIS80),
				enum(ev("MostAvailableMemory", 0), ev("WindowsScheduling", 1))),
			attr("numaNodeAffinityMode", Enum, def("Soft"), since(IIS80), enum(ev("Soft", 0), ev("Hard", 1))),
		},
	}
}

func environmentVariables() elemSpec {
	return elemSpec{
		name:  "environmentVariables",
		since: IIS10,
		coll: &collSpec{add: "add", remove: "remove", item: elemSpec{attrs: []attrSpec{
			attr("name", String, required, validator(NonEmptyString), uniqueKey),
			attr("value", String, required, validator(NonEmptyString)),
		}}},
	}
}
