package printers

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/poolctl/poolctl/validate"
)

// SARIF constants. See the OASIS SARIF 2.1.0 standard,
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html.
const (
	sarifSchema     = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion    = "2.1.0"
	sarifToolName   = "poolctl"
	sarifToolURI    = "https://github.com/poolctl/poolctl"
	sarifSourceRoot = "%SRCROOT%" // uriBaseId of relative paths: where the tool ran
	// sarifColumnKind says that columns count Unicode code points, as
	// validate.Diagnostic's do, not UTF-16 code units (SARIF §3.14.19).
	sarifColumnKind = "unicodeCodePoints"
)

// sarifPrinter writes a SARIF 2.1.0 log with one run, whose tool describes
// every rule (whether it fired or not) and whose results are the diagnostics. The
// run's one invocation is unsuccessful, with a notification for each, when a file
// was not well-formed (PC001), as poolctl lint then exits 2.
type sarifPrinter struct {
	toolVersion string
}

// The SARIF log's objects, with only the properties poolctl writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		ColumnKind  string            `json:"columnKind"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level          string              `json:"level"`
		Message        sarifMessage        `json:"message"`
		Locations      []sarifLocation     `json:"locations,omitempty"`
		AssociatedRule *sarifDescriptorRef `json:"associatedRule,omitempty"`
	}
	sarifDescriptorRef struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		ShortDescription     sarifMessage       `json:"shortDescription"`
		FullDescription      sarifMessage       `json:"fullDescription"`
		Help                 sarifMessage       `json:"help"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId,omitempty"`
		RuleIndex *int            `json:"ruleIndex,omitempty"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// Print implements Printer.
func (p sarifPrinter) Print(w io.Writer, ds []validate.Diagnostic, _ validate.Summary) error {
	rules := validate.Rules()
	driver := sarifDriver{
		Name:           sarifToolName,
		Version:        p.toolVersion,
		InformationURI: sarifToolURI,
		Rules:          make([]sarifRule, len(rules)),
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		driver.Rules[i] = sarifRule{
			ID:                   r.ID,
			Name:                 r.Name,
			ShortDescription:     sarifMessage{r.Summary},
			FullDescription:      sarifMessage{r.Explanation},
			Help:                 sarifMessage{r.Explanation},
			DefaultConfiguration: sarifConfiguration{sarifLevel(r.Severity)},
		}
	}
	results := make([]sarifResult, 0, len(ds)) // [], not null, when there are none
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, d := range ds {
		res := sarifResult{RuleID: d.Rule, Level: sarifLevel(d.Severity), Message: sarifMessage{d.Message}}
		if i, ok := index[d.Rule]; ok {
			res.RuleIndex = &i
		}
		if d.Fix != "" {
			res.Message.Text += " Fix: " + d.Fix
		}
		res.Locations = sarifLocations(d)
		results = append(results, res)
		if d.Rule == validate.RuleMalformedXML {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, unparsedNotification(d, index))
		}
	}
	return writeJSON(w, sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:        sarifTool{driver},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			ColumnKind:  sarifColumnKind,
		}},
	})
}

// sarifLocations returns the location of d, if it has a file.
func sarifLocations(d validate.Diagnostic) []sarifLocation {
	if d.File == "" {
		return nil
	}
	loc := sarifPhysicalLocation{}
	loc.ArtifactLocation.URI, loc.ArtifactLocation.URIBaseID = artifactURI(d.File)
	if d.Line > 0 {
		loc.Region = &sarifRegion{StartLine: d.Line, StartColumn: max(d.Column, 0)}
	}
	return []sarifLocation{{loc}}
}

// unparsedNotification returns the notification of a file that could not be linted
// because it is not well-formed (d is its PC001 finding): the run did not succeed
// (SARIF §3.20.14), and the message names the file as "file:line:col: message".
func unparsedNotification(d validate.Diagnostic, index map[string]int) sarifNotification {
	n := sarifNotification{
		Level:     "error",
		Message:   sarifMessage{fmt.Sprintf("could not lint %s:%d:%d: %s", d.File, d.Line, d.Column, d.Message)},
		Locations: sarifLocations(d),
	}
	if i, ok := index[d.Rule]; ok {
		n.AssociatedRule = &sarifDescriptorRef{ID: d.Rule, Index: i}
	}
	return n
}

// sarifLevel returns the SARIF level of severity s: "error", "warning" or
// "note" (SARIF has no "info").
func sarifLevel(s validate.Severity) string {
	switch s {
	case validate.Error:
		return "error"
	case validate.Warning:
		return "warning"
	case validate.Info:
		return "note"
	}
	return "none"
}

// artifactURI turns a file path into a SARIF artifact location: a relative
// path becomes a relative, slash-separated, percent-encoded URI reference
// based on %SRCROOT% (the directory poolctl ran in), an absolute path a
// file:// URI with no base.
func artifactURI(file string) (uri, uriBaseID string) {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive: C:/x becomes file:///C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String(), ""
	}
	// url.URL escapes what a URI may not hold, and prefixes "./" to a first
	// segment with a colon, which would otherwise read as a scheme.
	return (&url.URL{Path: path.Clean(p)}).String(), sarifSourceRoot
}
