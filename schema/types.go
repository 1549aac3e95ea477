package schema

import "fmt"

// Type is the runtime type of an attribute, as IIS's schema names it.
type Type int

// The attribute types of the IIS configuration schema.
const (
	Bool Type = iota + 1
	Enum
	Flags
	Uint
	Int
	Int64
	String
	TimeSpanType
)

var typeNames = [...]string{Bool: "bool", Enum: "enum", Flags: "flags", Uint: "uint", Int: "int", Int64: "int64", String: "string", TimeSpanType: "timeSpan"}

// String returns the type's name as the IIS schema spells it ("timeSpan", "uint", ...).
func (t Type) String() string {
	if t < Bool || t > TimeSpanType {
		return fmt.Sprintf("Type(%d)", int(t))
	}
	return typeNames[t]
}

// EnumValue is one named value of an enum or flags attribute.
type EnumValue struct {
	Name  string
	Value int64
	// Since is the first version whose schema lists this value.
	Since Version
}

// ValidationKind names one of IIS's attribute validators.
type ValidationKind int

// The validators of the IIS configuration schema that poolctl's sections use.
const (
	IntegerRange ValidationKind = iota + 1
	TimeSpanRange
	ApplicationPoolName
	SiteName
	ApplicationPath
	VirtualDirectoryPath
	NonEmptyString
	RequireTrimmedString
)

var validationNames = [...]string{
	IntegerRange: "integerRange", TimeSpanRange: "timeSpanRange",
	ApplicationPoolName: "applicationPoolName", SiteName: "siteName",
	ApplicationPath: "applicationPath", VirtualDirectoryPath: "virtualDirectoryPath",
	NonEmptyString: "nonEmptyString", RequireTrimmedString: "requireTrimmedString",
}

// String returns the validator's name as the IIS schema spells it.
func (k ValidationKind) String() string {
	if k < IntegerRange || k > RequireTrimmedString {
		return fmt.Sprintf("ValidationKind(%d)", int(k))
	}
	return validationNames[k]
}

// Validation is an attribute's validator with its parameters.
// For IntegerRange, Min and Max bound the value; for TimeSpanRange they are seconds and
// the value must also be a whole multiple of Granularity seconds. Exclude inverts the
// range: the value must lie outside [Min, Max].
type Validation struct {
	Kind        ValidationKind
	Min, Max    int64
	Granularity int64
	Exclude     bool
}

// Attribute is one attribute of an element, as one IIS version declares it.
type Attribute struct {
	Name    string
	Type    Type
	Default string
	// HasDefault reports whether the schema gives a defaultValue; without one the
	// default is the type's zero value (an empty string for strings).
	HasDefault     bool
	Required       bool
	UniqueKey      bool
	CombinedKey    bool
	Encrypted      bool
	CaseSensitive  bool
	Expanded       bool
	AllowInfinite  bool
	TimeSpanFormat TimeSpanFormat
	Enum           []EnumValue // for Enum attributes
	Flags          []EnumValue // for Flags attributes
	Validation     *Validation
	// Since is the first version that declares this attribute on this element.
	Since Version
	// Extension is the schema extension file that declares it, "" for IIS's own.
	Extension string
}

// Collection describes the collection an element holds: the names of its add, remove
// and clear directives and the attributes and child elements of each added item.
type Collection struct {
	AddElement      string
	RemoveElement   string
	ClearElement    string
	DefaultElement  string
	AllowDuplicates bool
	// Item describes the element named AddElement.
	Item *Element
}

// Element is one configuration element with its attributes, child elements and
// collection, as one IIS version declares it.
type Element struct {
	Name                string
	Attributes          []*Attribute
	Elements            []*Element
	Collection          *Collection
	IsCollectionDefault bool
	// Partial reports that poolctl models only some of the element's attributes and
	// children; what it does not model must not be reported as unknown.
	Partial bool
	// Since is the first version that declares this element here.
	Since Version
	// Extension is the schema extension file that declares it, "" for IIS's own.
	Extension string
}

// Attribute returns the element's attribute with the given name (case-sensitive, as in
// IIS), or nil.
func (e *Element) Attribute(name string) *Attribute {
	for _, a := range e.Attributes {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Element returns the child element with the given name (case-sensitive), or nil.
// Collection items are not child elements: see Collection.
func (e *Element) Element(name string) *Element {
	for _, c := range e.Elements {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Key returns the attributes that identify an item of the element's collection: the
// unique key, or the combined key attributes, in declaration order.
func (c *Collection) Key() []*Attribute {
	var key []*Attribute
	for _, a := range c.Item.Attributes {
		if a.UniqueKey || a.CombinedKey {
			key = append(key, a)
		}
	}
	return key
}

// Section is a configuration section: its path (such as
// "system.applicationHost/applicationPools") and its root element.
type Section struct {
	Path string
	Root *Element
}
