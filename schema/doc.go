// Package schema is poolctl's single source of truth for the IIS configuration it
// understands: every attribute and element of system.applicationHost/applicationPools
// for IIS 7.0, 7.5, 8.0, 8.5 and 10, the parts of system.applicationHost/sites and
// system.webServer/aspNetCore that the runtime and the reference checks need, the
// TimeSpan type, value parsing and validation, and JSON and JSON Schema export.
//
// The facts come from IIS's own schema files (IIS_schema.xml of each version and the
// ASP.NET Core Module's aspnetcore_schema_v2.xml). They are restated here as Go tables
// with the first version that knows each attribute, element and enum value, and a test
// proves the tables agree with the original files attribute by attribute.
package schema
