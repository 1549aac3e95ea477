package schema

// AspNetCorePath is the path of the ASP.NET Core Module's section.
const AspNetCorePath = "system.webServer/aspNetCore"

// aspNetCore declares system.webServer/aspNetCore from the ASP.NET Core Module's
// aspnetcore_schema_v2.xml, which is not versioned with IIS: it is the same for every
// target from 7.5 on (the module needs IIS 7.5 or later).
func aspNetCore() elemSpec {
	nameValue := func(add string) *collSpec {
		return &collSpec{add: add, clear: "clear", item: elemSpec{attrs: []attrSpec{
			attr("name", String, required, validator(NonEmptyString)),
			attr("value", String, required),
		}}}
	}
	return elemSpec{
		name:  "aspNetCore",
		since: IIS75,
		attrs: []attrSpec{
			attr("processPath", String, expanded),
			attr("arguments", String, expanded, def("")),
			attr("startupTimeLimit", Uint, def("120"), intRange(0, 3600)),
			attr("shutdownTimeLimit", Uint, def("10"), intRange(0, 600)),
			attr("rapidFailsPerMinute", Uint, def("10"), intRange(0, 100)),
			attr("requestTimeout", TimeSpanType, def("00:02:00"), timeRange(0, 1296000, 1)),
			attr("stdoutLogEnabled", Bool, def("false")),
			attr("stdoutLogFile", String, def(`.\aspnetcore-stdout`), expanded),
			attr("processesPerApplication", Uint, def("1"), intRange(1, 100)),
			attr("forwardWindowsAuthToken", Bool, def("true")),
			attr("disableStartUpErrorPage", Bool, def("false")),
			attr("hostingModel", String),
		},
		elems: []elemSpec{
			{name: "recycleOnFileChange", coll: &collSpec{add: "file", clear: "clear", item: elemSpec{attrs: []attrSpec{
				attr("path", String, required, validator(NonEmptyString), expanded),
			}}}},
			{name: "environmentVariables", coll: nameValue("environmentVariable")},
			{name: "handlerSettings", coll: nameValue("handlerSetting")},
		},
	}
}
