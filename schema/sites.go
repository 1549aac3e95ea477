package schema

// SitesPath is the path of the sites section.
const SitesPath = "system.applicationHost/sites"

// sites declares the parts of system.applicationHost/sites that the runtime and the
// reference checks use: sites with their names, ids and bindings, applications with
// their pools, virtual directories with their physical paths, and the defaults
// elements at each level. The section has much more (limits, logFile, ftpServer, ...);
// those elements are marked Partial and are not checked.
func sites() elemSpec {
	return elemSpec{
		name:    "sites",
		partial: true,
		coll: &collSpec{
			add: "site", defaultElement: "siteDefaults",
			item: site(false),
		},
		elems: []elemSpec{
			withName(site(true), "siteDefaults"),
			withName(elemSpec{attrs: []attrSpec{
				attr("path", String, validator(ApplicationPath)),
				attr("applicationPool", String, validator(ApplicationPoolName)),
				attr("enabledProtocols", String, def("http")),
			}}, "applicationDefaults"),
			withName(elemSpec{attrs: virtualDirectoryAttrs(true)}, "virtualDirectoryDefaults"),
		},
	}
}

// site declares <site>, or <siteDefaults> when defaults is true.
func site(defaults bool) elemSpec {
	name := attr("name", String, validator(SiteName))
	id := attr("id", Uint)
	if !defaults {
		name = attr("name", String, required, uniqueKey, validator(SiteName))
		id = attr("id", Uint, required, uniqueKey)
	}
	s := elemSpec{
		partial: true,
		attrs:   []attrSpec{name, id, attr("serverAutoStart", Bool, def("true"))},
		elems: []elemSpec{{
			name: "bindings",
			coll: &collSpec{add: "binding", clear: "clear", item: elemSpec{attrs: []attrSpec{
				attr("protocol", String, required, combinedKey, validator(NonEmptyString)),
				attr("bindingInformation", String, required, combinedKey, validator(NonEmptyString)),
				attr("sslFlags", Uint, def("0"), since(IIS80)),
			}}},
		}},
	}
	if defaults {
		return s
	}
	s.coll = &collSpec{add: "application", defaultElement: "applicationDefaults", item: application()}
	s.elems = append(s.elems,
		withName(elemSpec{attrs: applicationAttrs(true)}, "applicationDefaults"),
		withName(elemSpec{attrs: virtualDirectoryAttrs(true)}, "virtualDirectoryDefaults"))
	return s
}

func application() elemSpec {
	return elemSpec{
		attrs: applicationAttrs(false),
		coll: &collSpec{
			add: "virtualDirectory", defaultElement: "virtualDirectoryDefaults",
			item: elemSpec{attrs: virtualDirectoryAttrs(false)},
		},
		elems: []elemSpec{withName(elemSpec{attrs: virtualDirectoryAttrs(true)}, "virtualDirectoryDefaults")},
	}
}

func applicationAttrs(defaults bool) []attrSpec {
	path := attr("path", String, required, uniqueKey, validator(ApplicationPath))
	if defaults {
		path = attr("path", String, validator(ApplicationPath))
	}
	return []attrSpec{
		path,
		attr("applicationPool", String, validator(ApplicationPoolName)),
		attr("enabledProtocols", String, def("http")),
		attr("serviceAutoStartEnabled", Bool, def("false"), since(IIS75)),
		attr("serviceAutoStartProvider", String, since(IIS75)),
		attr("preloadEnabled", Bool, def("false"), since(IIS80)),
	}
}

// virtualDirectoryAttrs declares <virtualDirectory> or, with defaults, one of the
// <virtualDirectoryDefaults> elements; only the key differs.
func virtualDirectoryAttrs(defaults bool) []attrSpec {
	path := attr("path", String, uniqueKey, validator(VirtualDirectoryPath))
	if defaults {
		path = attr("path", String, validator(VirtualDirectoryPath))
	}
	return []attrSpec{
		path,
		attr("physicalPath", String, expanded),
		attr("userName", String),
		attr("password", String, caseSensitive, encrypted, def("[enc:AesProvider::enc]")),
		attr("logonMethod", Enum, def("ClearText"), enum(ev("Interactive", 0), ev("Batch", 1), ev("Network", 2), ev("ClearText", 3))),
		attr("allowSubDirConfig", Bool, def("true")),
	}
}
