package schema

import (
	"strconv"
	"strings"
	"time"
)

// applicationPoolNameChars are the characters the applicationPoolName validator
// rejects, as the header of IIS_schema.xml lists them: |<>&\"/[]+=;:,?*@ where \" is
// the C escape of a double quote (the header's other lists, such as siteName's "/?",
// carry no backslash). A backslash is therefore allowed.
const applicationPoolNameChars = `|<>&"/[]+=;:,?*@`

// siteNameChars are the characters the siteName validator rejects.
const siteNameChars = `/?`

// Validate checks a parsed value against the attribute's validator, if it has one.
func (a *Attribute) Validate(v Value) error {
	val := a.Validation
	if val == nil {
		return nil
	}
	text := v.Text
	switch val.Kind {
	case IntegerRange:
		return a.checkRange(text, v.Int, val, "")
	case TimeSpanRange:
		return a.checkTimeSpan(text, v.Span, val)
	case ApplicationPoolName:
		return a.checkChars(text, applicationPoolNameChars, "an application pool name")
	case SiteName:
		return a.checkChars(text, siteNameChars, "a site name")
	case ApplicationPath, VirtualDirectoryPath:
		return a.checkPath(text)
	case NonEmptyString:
		if text == "" {
			return a.errorf(text, "must not be empty")
		}
	case RequireTrimmedString:
		if strings.TrimSpace(text) != text {
			return a.errorf(text, "must not start or end with white space")
		}
	}
	return nil
}

// ParseAndValidate parses text and checks it against the validator.
func (a *Attribute) ParseAndValidate(text string) (Value, error) {
	v, err := a.Parse(text)
	if err != nil {
		return v, err
	}
	return v, a.Validate(v)
}

func (a *Attribute) checkRange(text string, n int64, val *Validation, unit string) error {
	inside := n >= val.Min && n <= val.Max
	switch {
	case !val.Exclude && !inside:
		return a.errorf(text, "must be from %d to %d%s", val.Min, val.Max, unit)
	case val.Exclude && inside:
		return a.errorf(text, "must not be from %d to %d%s", val.Min, val.Max, unit)
	}
	return nil
}

func (a *Attribute) checkTimeSpan(text string, t TimeSpan, val *Validation) error {
	const ticksPerSecond = int64(time.Second / 100)
	ticks := t.Ticks()
	secs := ticks / ticksPerSecond
	if ticks%ticksPerSecond > 0 {
		secs++ // a fraction above the maximum is still above it
	}
	if inside := secs >= val.Min && secs <= val.Max; inside == val.Exclude {
		unit := " seconds (" + spanText(val.Min) + " to " + spanText(val.Max) + ")"
		if b, ok := a.BareNumber(text); ok {
			unit += ": " + b.Hint() // "45" is 45 days, not 45 minutes
		}
		return a.checkRange(text, secs, val, unit)
	}
	switch g := val.Granularity; {
	case g > 1 && ticks%(g*ticksPerSecond) != 0:
		return a.errorf(text, "must be a whole multiple of %s", granularityText(g))
	case g == 1 && ticks%ticksPerSecond != 0:
		return a.errorf(text, "must be a whole number of seconds")
	}
	return nil
}

func spanText(secs int64) string { return TimeSpanOf(time.Duration(secs) * time.Second).Canonical() }

func granularityText(g int64) string {
	if g == 60 {
		return "60 seconds (whole minutes)"
	}
	return strconv.FormatInt(g, 10) + " seconds"
}

func (a *Attribute) checkChars(text, forbidden, what string) error {
	if i := strings.IndexAny(text, forbidden); i >= 0 {
		e := a.errorf(text, "%q is not allowed in %s (forbidden: %s)", text[i], what, forbidden)
		e.Offset = i
		return e
	}
	return nil
}

// checkPath applies the applicationPath and virtualDirectoryPath rules: the path starts
// with "/", does not end with "/" unless it is "/", and no segment is "." or "..".
func (a *Attribute) checkPath(text string) error {
	if text == "" && !a.Required {
		return nil
	}
	if !strings.HasPrefix(text, "/") {
		return a.errorf(text, "a path must start with \"/\"")
	}
	if text != "/" && strings.HasSuffix(text, "/") {
		return a.errorf(text, "a path must not end with \"/\"")
	}
	for seg := range strings.SplitSeq(text[1:], "/") {
		if seg == "." || seg == ".." {
			return a.errorf(text, "a path segment must not be %q", seg)
		}
	}
	return nil
}
