package apply

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/validate"
)

// TestCheckSectionEdit: an edit of a configSource section file is linted with its main
// file, whose applications name the section's pools; findings name the file they are in.
func TestCheckSectionEdit(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "app.config")
	const mainText = `<configuration>
    <system.applicationHost>
        <applicationPools configSource="pools.config" />
        <sites>
            <site name="Shop" id="1">
                <application path="/" applicationPool="Shop" />
            </site>
        </sites>
    </system.applicationHost>
</configuration>
`
	const old = "<applicationPools>\n    <add name=\"Shop\" />\n</applicationPools>\n"
	section, err := parse.ConfigSourcePath(main, "pools.config")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{main: mainText, section: old} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type finding struct{ File, Rule string }
	tests := []struct {
		name string
		next string
		want []finding
	}{
		{name: "clean edit", next: "<applicationPools>\n    <add name=\"Shop\" queueLength=\"3000\" />\n</applicationPools>\n"},
		{name: "pool of the main file's application deleted", next: "<applicationPools>\n</applicationPools>\n", want: []finding{{main, validate.RuleUnknownPool}}},
		{name: "value out of range", next: "<applicationPools>\n    <add name=\"Shop\" queueLength=\"5\" />\n</applicationPools>\n", want: []finding{{section, "PC104"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSectionEdit(main, section, []byte(old), []byte(tt.next), validate.Options{})
			var got []finding
			var ce *CheckError
			if errors.As(err, &ce) {
				for _, d := range ce.Findings {
					got = append(got, finding{d.File, d.Rule})
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if b, _ := os.ReadFile(section); string(b) != old {
				t.Errorf("the check wrote the section file")
			}
		})
	}
}
